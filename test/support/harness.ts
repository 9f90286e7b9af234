import { afterAll, beforeAll, beforeEach } from "vitest";
import { createApp, type App } from "../../src/app.ts";
import { ManualClock } from "../../src/clock.ts";
import type { Database } from "../../src/db/client.ts";
import { registerBootstrapKey } from "../../src/keys/service.ts";
import { memoryLogger } from "../../src/logger.ts";
import { defaultRules, type Rules } from "../../src/rules/schema.ts";
import type { EpisodeReader } from "../../src/xml/read.ts";
import { type ContractCheck, contractOf } from "./contract.ts";
import { openFileDatabase, truncateAll } from "./database.ts";
import { readDocsAssets } from "../../src/ops/docs-node.ts";

const docsAssets = readDocsAssets();
let contract: ContractCheck | undefined;

export const CENTRAL_KEY = "test-central-key-0123456789";
export const START = "2026-06-15T03:00:00Z";

export interface TestContext {
  app: App;
  db: Database;
  clock: ManualClock;
  logger: ReturnType<typeof memoryLogger>;
  rules: Rules;
  /** Calls the app like a client would; `key` defaults to the central key, null sends none. */
  call(
    method: string,
    path: string,
    options?: { key?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** The same, parsing the JSON body. */
  json<T = any>(
    method: string,
    path: string,
    options?: { key?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** Creates a key through the API and returns its secret. */
  key(role: "central" | "province" | "facility", scope?: string): Promise<string>;
}

/**
 * The worker's database (one PGlite in memory shared by the worker's files, or
 * this worker's PostgreSQL database), emptied before each test; a fresh app
 * with a manual clock.
 */
export function useTestApp(
  options: { rules?: () => Rules; onQuery?: (sql: string) => void; xmlReader?: EpisodeReader } = {},
): TestContext {
  const ctx = {} as TestContext;
  beforeAll(async () => {
    ctx.db = await openFileDatabase(undefined, options.onQuery);
  });
  afterAll(async () => {
    await ctx.db?.close();
  });
  beforeEach(async () => {
    await truncateAll(ctx.db);
    ctx.clock = new ManualClock(new Date(START));
    ctx.logger = memoryLogger();
    ctx.rules = options.rules?.() ?? defaultRules();
    const deps = {
      db: ctx.db,
      clock: ctx.clock,
      rules: ctx.rules,
      logger: ctx.logger,
      ...(options.xmlReader ? { xmlReader: options.xmlReader } : {}),
      docsAssets,
    };
    await registerBootstrapKey(deps, CENTRAL_KEY);
    ctx.app = createApp(deps);
  });
  ctx.call = async (method, path, { key = CENTRAL_KEY, body, headers = {} } = {}) => {
    const h: Record<string, string> = { ...headers };
    if (key !== null) h.authorization = `Bearer ${key}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await ctx.app.request(path, { method, headers: h, body: payload });
    await holdToContract(ctx.app, method, path, res);
    return res;
  };
  ctx.json = async (method, path, options) => {
    const res = await ctx.call(method, path, options);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  ctx.key = async (role, scope) => {
    const res = await ctx.json("POST", "/v1/keys", { body: { role, scope, name: `${role}-${scope ?? "all"}` } });
    if (res.status !== 201) throw new Error(`key creation failed: ${JSON.stringify(res.body)}`);
    return res.body.key;
  };
  return ctx;
}

/**
 * The default rules without rate limits: for the fuzz and authorization-matrix
 * runs, whose write witness must stay put over reads and refusals (a counted
 * request is a write) and whose thousands of requests in one frozen minute
 * would otherwise run out of budget. test/http/rate-limits.test.ts covers limits.
 */
export function unlimitedRules(): Rules {
  const rules = defaultRules();
  rules.limits.enabled = false;
  return rules;
}

/**
 * Every answer the tests get through the harness is held to the served /openapi.json: its status, content type and
 * required headers documented for the operation, and a JSON body matching that status's schema
 * (test/support/contract.ts).
 */
async function holdToContract(app: App, method: string, path: string, res: Response): Promise<void> {
  contract ??= contractOf((await (await app.request("/openapi.json")).json()) as never);
  const type = res.headers.get("content-type");
  const body =
    type && /json/.test(type)
      ? await res
          .clone()
          .json()
          .catch(() => undefined)
      : undefined;
  const broken = contract.check(method, new URL(path, "http://x").pathname, res.status, res.headers, body);
  if (broken) throw new Error(`the answer does not match /openapi.json: ${broken}`);
}

/** The default rules with three usage thresholds: 50% (info), 85% (high) and 100% (critical). */
export function threeThresholdRules(): Rules {
  const rules = defaultRules();
  rules.usage.thresholds = [
    { ratio: "0.5", severity: "info" },
    { ratio: "0.85", severity: "high" },
    { ratio: "1", severity: "critical" },
  ];
  return rules;
}

/** Two provinces with a facility each, as most stories need. */
export async function seedReference(t: TestContext) {
  for (const [code, name] of [
    ["01", "Hà Nội"],
    ["79", "Hồ Chí Minh"],
  ])
    await t.json("PUT", `/v1/provinces/${code}`, { body: { name } });
  for (const [code, name] of [
    ["01001", "Bệnh viện Bạch Mai"],
    ["01002", "Bệnh viện Việt Đức"],
    ["79001", "Bệnh viện Chợ Rẫy"],
  ])
    await t.json("PUT", `/v1/facilities/${code}`, { body: { name } });
}
