import { createRoute, z } from "@hono/zod-openapi";
import { callerOf } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { ListQuery } from "../http/paging.ts";
import { router } from "../http/router.ts";
import {
  Text,
  FacilityCode,
  ProvinceCode,
  Timestamp,
  json,
  jsonBody,
  listOf,
  problems,
  readProblems,
} from "../http/schemas.ts";
import { listFacilities, listProvinces, saveFacility, saveProvince } from "./service.ts";

const PutProvince = z
  .object({
    name: z.string().trim().min(1).max(200),
    successorCode: ProvinceCode.nullable()
      .optional()
      .openapi({
        description:
          "the province that absorbed this one (2025 merger): one step, so not itself merged, and not for a province " +
          "others were merged into (422)",
      }),
    mergedAt: z.iso
      .datetime({ offset: true })
      .max(40)
      .nullable()
      .optional()
      .openapi({
        description:
          "from this instant its facilities' claims count for the successor; claims already stored move when it is " +
          "recorded or changed, their spending and alerts with them",
      }),
  })
  .strict();
const ProvinceView = z
  .object({
    code: Text,
    name: Text,
    successorCode: Text.nullable(),
    mergedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Province");

const PutFacility = z
  .object({
    name: z.string().trim().min(1).max(200),
    provinceCode: ProvinceCode.optional().openapi({
      description:
        "defaults to the facility code's first two digits; when it changes, the facility's stored claims move, their " +
        "spending and alerts with them",
    }),
  })
  .strict();
const FacilityView = z
  .object({ code: Text, name: Text, provinceCode: Text, createdAt: Timestamp, updatedAt: Timestamp })
  .openapi("Facility");

const putProvinceRoute = createRoute({
  operationId: "saveProvince",
  method: "put",
  path: "/provinces/{code}",
  tags: ["Reference data"],
  summary: "Create or update a province (central)",
  request: { params: z.object({ code: ProvinceCode }), body: jsonBody(PutProvince, "ProvinceInput") },
  responses: { 200: json(ProvinceView, "Updated"), 201: json(ProvinceView, "Created"), ...problems },
});

const listProvincesRoute = createRoute({
  operationId: "listProvinces",
  method: "get",
  path: "/provinces",
  tags: ["Reference data"],
  summary: "List provinces",
  request: { query: ListQuery },
  responses: { 200: json(listOf(ProvinceView, "ProvincePage")), ...readProblems },
});

const putFacilityRoute = createRoute({
  operationId: "saveFacility",
  method: "put",
  path: "/facilities/{code}",
  tags: ["Reference data"],
  summary: "Create or update a facility (central)",
  request: { params: z.object({ code: FacilityCode }), body: jsonBody(PutFacility, "FacilityInput") },
  responses: { 200: json(FacilityView, "Updated"), 201: json(FacilityView, "Created"), ...problems },
});

const listFacilitiesRoute = createRoute({
  operationId: "listFacilities",
  method: "get",
  path: "/facilities",
  tags: ["Reference data"],
  summary: "List facilities",
  request: { query: ListQuery.extend({ province: ProvinceCode.optional() }) },
  responses: { 200: json(listOf(FacilityView, "FacilityPage")), ...readProblems },
});

/** Provinces and facilities: central writes, any key reads. */
export function referenceRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(putProvinceRoute, async (ctx) => {
    const input = { ...ctx.req.valid("param"), ...ctx.req.valid("json"), requestId: ctx.get("requestId") };
    const { province, created } = await saveProvince(deps, callerOf(ctx), input);
    return ctx.json(province, created ? 201 : 200);
  });
  app.openapi(listProvincesRoute, async (ctx) => ctx.json(await listProvinces(deps, ctx.req.valid("query")), 200));
  app.openapi(putFacilityRoute, async (ctx) => {
    const input = { ...ctx.req.valid("param"), ...ctx.req.valid("json"), requestId: ctx.get("requestId") };
    const { facility, created } = await saveFacility(deps, callerOf(ctx), input);
    return ctx.json(facility, created ? 201 : 200);
  });
  app.openapi(listFacilitiesRoute, async (ctx) => ctx.json(await listFacilities(deps, ctx.req.valid("query")), 200));
  return app;
}
