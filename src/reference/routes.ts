import { createRoute, z } from "@hono/zod-openapi";
import { audit } from "../audit/audit.ts";
import { callerOf, requireRole } from "../auth/caller.ts";
import { LONG_TRANSACTION, prismaSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { sameMerger } from "../domain/merger.ts";
import { decodeCursor, ListQuery, page } from "../http/paging.ts";
import { unprocessable } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { FacilityCode, ProvinceCode, Timestamp, iso, json, jsonBody, listOf, problems } from "../http/schemas.ts";
import { reattributeClaims } from "./reattribute.ts";

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
    code: z.string(),
    name: z.string(),
    successorCode: z.string().nullable(),
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
  .object({ code: z.string(), name: z.string(), provinceCode: z.string(), createdAt: Timestamp, updatedAt: Timestamp })
  .openapi("Facility");

type ProvinceRow = {
  code: string;
  name: string;
  successorCode: string | null;
  mergedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};
const provinceView = (p: ProvinceRow) => ({
  ...p,
  mergedAt: iso(p.mergedAt),
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});
type FacilityRow = { code: string; name: string; provinceCode: string; createdAt: Date; updatedAt: Date };
const facilityView = (f: FacilityRow) => ({
  ...f,
  createdAt: f.createdAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
});

/**
 * Locks the provinces' rows, in code order, until commit: the edits that decide
 * where claims count (a province's merger, a facility's province) wait for one
 * another, so none reads the other's change half made and none misses a claim.
 * Returns the codes that exist.
 */
async function lockProvinces(tx: Prisma.TransactionClient, codes: (string | null | undefined)[]): Promise<string[]> {
  const wanted = codes.filter((c): c is string => !!c);
  const rows = await tx.$queryRaw<
    { code: string }[]
  >`SELECT code FROM province WHERE code = ANY(${wanted}::text[]) ORDER BY code FOR UPDATE`;
  return rows.map((r) => r.code);
}

/**
 * Mergers are one step, so a claim never counts in a merged code: the
 * successor named is not itself merged, and a province others were merged
 * into is not merged (`successorCode` as sent: undefined keeps the one recorded).
 */
async function checkOneStep(
  tx: Prisma.TransactionClient,
  code: string,
  successorCode: string | null | undefined,
  before: ProvinceRow | null,
) {
  if (successorCode) {
    const successor = await tx.province.findUnique({ where: { code: successorCode } });
    if (!successor)
      throw unprocessable("unknown successor", [
        { path: "successorCode", code: "unknown_province", message: `province ${successorCode} does not exist` },
      ]);
    if (successor.successorCode)
      throw unprocessable("the successor is itself merged", [
        {
          path: "successorCode",
          code: "successor_merged",
          message: `province ${successor.code} is merged into ${successor.successorCode}: name that one`,
        },
      ]);
  }
  if (successorCode === undefined ? before?.successorCode : successorCode) {
    const predecessors = await tx.province.findMany({
      where: { successorCode: code },
      select: { code: true },
      orderBy: { code: "asc" },
    });
    if (predecessors.length)
      throw unprocessable("other provinces are merged into this one", [
        {
          path: "successorCode",
          code: "has_predecessors",
          message:
            `${predecessors.map((p) => p.code).join(", ")} merged into ${code}: record their merger into the ` +
            `new successor first`,
        },
      ]);
  }
}

/** Provinces and facilities: central writes, any key reads. */
export function referenceRoutes(deps: AppDeps) {
  const { prisma } = deps.db;
  const app = router();

  app.openapi(
    createRoute({
      method: "put",
      path: "/provinces/{code}",
      tags: ["Reference data"],
      summary: "Create or update a province (central)",
      request: { params: z.object({ code: ProvinceCode }), body: jsonBody(PutProvince) },
      responses: { 200: json(ProvinceView, "Updated"), 201: json(ProvinceView, "Created"), ...problems },
    }),
    async (ctx) => {
      const caller = callerOf(ctx);
      requireRole(caller, "central");
      const { code } = ctx.req.valid("param");
      const body = ctx.req.valid("json");
      if (body.successorCode === code)
        throw unprocessable("a province cannot succeed itself", [
          { path: "successorCode", code: "invalid_value", message: "must differ from the province's own code" },
        ]);
      const at = deps.clock.now();
      const { row, created } = await prisma.$transaction(async (tx) => {
        await lockProvinces(tx, [code, body.successorCode]);
        const before = await tx.province.findUnique({ where: { code } });
        await checkOneStep(tx, code, body.successorCode, before);
        const data = {
          name: body.name,
          ...(body.successorCode !== undefined ? { successorCode: body.successorCode } : {}),
          ...(body.mergedAt !== undefined ? { mergedAt: body.mergedAt === null ? null : new Date(body.mergedAt) } : {}),
          updatedAt: at,
        };
        const row = before
          ? await tx.province.update({ where: { code }, data })
          : await tx.province.create({ data: { code, createdAt: at, ...data } });
        // A merger recorded (or corrected) after it took effect: the stored claims of the province's facilities follow
        // it.
        const moved =
          before && !sameMerger(before, row)
            ? await reattributeClaims(
                prismaSession(tx),
                deps,
                (await tx.facility.findMany({ where: { provinceCode: code }, select: { code: true } })).map(
                  (f) => f.code,
                ),
                at,
              )
            : 0;
        await audit(
          tx,
          { caller, requestId: ctx.get("requestId"), at },
          {
            action: before ? "province.update" : "province.create",
            entity: "province",
            entityId: code,
            before: before && provinceView(before),
            after: { ...provinceView(row), ...(moved ? { claimsMoved: moved } : {}) },
          },
        );
        return { row, created: !before };
      }, LONG_TRANSACTION);
      return ctx.json(provinceView(row), created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/provinces",
      tags: ["Reference data"],
      summary: "List provinces",
      request: { query: ListQuery },
      responses: { 200: json(listOf(ProvinceView)), ...problems },
    }),
    async (ctx) => {
      const { limit, cursor } = ctx.req.valid("query");
      const after = decodeCursor(cursor);
      const rows = await prisma.province.findMany({
        where: after ? { code: { gt: String(after[0]) } } : {},
        orderBy: { code: "asc" },
        take: limit + 1,
      });
      const { data, nextCursor } = page(rows, limit, (p) => [p.code]);
      return ctx.json({ data: data.map(provinceView), nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/facilities/{code}",
      tags: ["Reference data"],
      summary: "Create or update a facility (central)",
      request: { params: z.object({ code: FacilityCode }), body: jsonBody(PutFacility) },
      responses: { 200: json(FacilityView, "Updated"), 201: json(FacilityView, "Created"), ...problems },
    }),
    async (ctx) => {
      const caller = callerOf(ctx);
      requireRole(caller, "central");
      const { code } = ctx.req.valid("param");
      const body = ctx.req.valid("json");
      const provinceCode = body.provinceCode ?? code.slice(0, 2);
      const at = deps.clock.now();
      const { row, created } = await prisma.$transaction(async (tx) => {
        if ((await lockProvinces(tx, [provinceCode])).length === 0)
          throw unprocessable("unknown province", [
            { path: "provinceCode", code: "unknown_province", message: `province ${provinceCode} does not exist` },
          ]);
        await tx.$queryRaw`SELECT 1 FROM facility WHERE code = ${code} FOR UPDATE`;
        const before = await tx.facility.findUnique({ where: { code } });
        const data = { name: body.name, provinceCode, updatedAt: at };
        const row = before
          ? await tx.facility.update({ where: { code }, data })
          : await tx.facility.create({ data: { code, createdAt: at, ...data } });
        const moved =
          before && before.provinceCode !== row.provinceCode
            ? await reattributeClaims(prismaSession(tx), deps, [code], at)
            : 0;
        await audit(
          tx,
          { caller, requestId: ctx.get("requestId"), at },
          {
            action: before ? "facility.update" : "facility.create",
            entity: "facility",
            entityId: code,
            before: before && facilityView(before),
            after: { ...facilityView(row), ...(moved ? { claimsMoved: moved } : {}) },
          },
        );
        return { row, created: !before };
      }, LONG_TRANSACTION);
      return ctx.json(facilityView(row), created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/facilities",
      tags: ["Reference data"],
      summary: "List facilities",
      request: { query: ListQuery.extend({ province: ProvinceCode.optional() }) },
      responses: { 200: json(listOf(FacilityView)), ...problems },
    }),
    async (ctx) => {
      const { limit, cursor, province } = ctx.req.valid("query");
      const after = decodeCursor(cursor);
      const rows = await prisma.facility.findMany({
        where: {
          ...(province ? { provinceCode: province } : {}),
          ...(after ? { code: { gt: String(after[0]) } } : {}),
        },
        orderBy: { code: "asc" },
        take: limit + 1,
      });
      const { data, nextCursor } = page(rows, limit, (f) => [f.code]);
      return ctx.json({ data: data.map(facilityView), nextCursor }, 200);
    },
  );

  return app;
}
