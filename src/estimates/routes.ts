import { createRoute, z } from "@hono/zod-openapi";
import { callerOf } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { router } from "../http/router.ts";
import {
  Text,
  Count,
  MoneyOut,
  Money,
  ProvinceCode,
  SignedMoney,
  Timestamp,
  Year,
  json,
  jsonBody,
  problems,
  readProblems,
} from "../http/schemas.ts";
import { adjustEstimate, readEstimate, setEstimate } from "./service.ts";

const Params = z.object({ code: ProvinceCode, year: Year });

const PutEstimate = z.object({ amount: Money, decisionRef: z.string().trim().min(1).max(200).optional() }).strict();
const PostAdjustment = z
  .object({
    amount: SignedMoney,
    reason: z.string().trim().min(1).max(1000),
    decisionRef: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

const AdjustmentView = z
  .object({
    id: Text,
    amount: MoneyOut,
    reason: Text,
    decisionRef: Text.nullable(),
    createdAt: Timestamp,
  })
  .openapi("EstimateAdjustment");
const EstimateView = z
  .object({
    provinceCode: Text,
    year: Count,
    initial: MoneyOut,
    decisionRef: Text.nullable(),
    adjustments: z.array(AdjustmentView).max(10_000),
    total: MoneyOut,
    updatedAt: Timestamp,
  })
  .openapi("Estimate");

const setRoute = createRoute({
  operationId: "setEstimate",
  method: "put",
  path: "/{code}/estimates/{year}",
  tags: ["Estimates"],
  summary: "Set the initial allocation (central)",
  request: { params: Params, body: jsonBody(PutEstimate, "EstimateInput") },
  responses: { 200: json(EstimateView, "Updated"), 201: json(EstimateView, "Created"), ...problems },
});

const adjustRoute = createRoute({
  operationId: "adjustEstimate",
  method: "post",
  path: "/{code}/estimates/{year}/adjustments",
  tags: ["Estimates"],
  summary: "Adjust an estimate (central); the total may not go below zero",
  request: { params: Params, body: jsonBody(PostAdjustment, "AdjustmentInput") },
  responses: { 201: json(EstimateView, "Adjusted; the estimate with its adjustments"), ...problems },
});

const getRoute = createRoute({
  operationId: "getEstimate",
  method: "get",
  path: "/{code}/estimates/{year}",
  tags: ["Estimates"],
  summary: "An estimate with its adjustments (central, or its province)",
  request: { params: Params },
  responses: { 200: json(EstimateView), ...readProblems },
});

/** Annual estimates per province: central sets and adjusts them; each change is audited. */
export function estimatesRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(setRoute, async (ctx) => {
    const input = { ...ctx.req.valid("param"), ...ctx.req.valid("json"), requestId: ctx.get("requestId") };
    const { view, created } = await setEstimate(deps, callerOf(ctx), input);
    return ctx.json(view, created ? 201 : 200);
  });
  app.openapi(adjustRoute, async (ctx) => {
    const input = { ...ctx.req.valid("param"), ...ctx.req.valid("json"), requestId: ctx.get("requestId") };
    return ctx.json(await adjustEstimate(deps, callerOf(ctx), input), 201);
  });
  app.openapi(getRoute, async (ctx) => {
    const { code, year } = ctx.req.valid("param");
    return ctx.json(await readEstimate(deps, callerOf(ctx), code, year), 200);
  });
  return app;
}
