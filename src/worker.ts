/**
 * The Cloudflare Workers entry: the same app as src/node.ts, over PostgreSQL
 * reached through a Hyperdrive binding. Nothing here reads a file: the rules
 * are bundled, configuration comes from bindings, vars and secrets, and the
 * schema is migrated by the operator (`DATABASE_URL=... npm run cli -- migrate`),
 * never by the Worker.
 *
 * `#prisma` resolves to the workerd build of the Prisma client here (package.json
 * "imports", condition "workerd"): workerd refuses to compile WebAssembly from
 * bytes, so the query compiler must arrive as a precompiled module.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { deliverDue } from "./alerts/deliver.ts";
import { type App, createApp } from "./app.ts";
import { runMarking } from "./backlog/mark-stuck.ts";
import { systemClock } from "./clock.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { type Database, openPostgres, type PrismaClient } from "./db/client.ts";
import type { AppDeps } from "./deps.ts";
import { registerBootstrapKey } from "./keys/service.ts";
// Bundled as text modules (wrangler's rule for *.txt; scripts/docs-assets.ts copies them from swagger-ui-dist):
// workerd has no node_modules to read at run time.
import docsScript from "./generated/docs/swagger-ui-bundle.js.txt";
import docsStyles from "./generated/docs/swagger-ui.css.txt";
import { jsonLogger, type Logger } from "./logger.ts";
import { parseRules, type Rules } from "./rules/schema.ts";
import assessmentRules from "../rules/assessment.json" with { type: "json" };
import backlogRules from "../rules/backlog.json" with { type: "json" };
import costRules from "../rules/costs.json" with { type: "json" };
import documentRules from "../rules/documents.json" with { type: "json" };
import limitRules from "../rules/limits.json" with { type: "json" };
import projectionRules from "../rules/projection.json" with { type: "json" };
import reportRules from "../rules/reports.json" with { type: "json" };
import timingRules from "../rules/timing.json" with { type: "json" };
import usageRules from "../rules/usage.json" with { type: "json" };
import xmlMappingRules from "../rules/xml-mapping.json" with { type: "json" };
import { forgetEndedWindows } from "./limits/count.ts";
import { reassessPending } from "./assessment/reassess.ts";

/** The rule files as deployed; a test checks this is every file in rules/. */
export const BUNDLED_RULE_FILES: Record<string, unknown> = {
  "assessment.json": assessmentRules,
  "backlog.json": backlogRules,
  "costs.json": costRules,
  "documents.json": documentRules,
  "limits.json": limitRules,
  "projection.json": projectionRules,
  "reports.json": reportRules,
  "timing.json": timingRules,
  "usage.json": usageRules,
  "xml-mapping.json": xmlMappingRules,
};

/** What wrangler.toml and `wrangler secret put` give the Worker. */
export interface Env {
  /** The Hyperdrive binding: a pooled, nearby PostgreSQL endpoint. */
  HYPERDRIVE?: { connectionString: string };
  /** A secret; registered (hashed) as a central key, as on Node. */
  BOOTSTRAP_CENTRAL_KEY?: string;
  LOG_LEVEL?: string;
}

// Only what is used of the Workers runtime types, so the project needs no @cloudflare/workers-types.
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}
interface ScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
}

/** Invalid rule files stop the deploy: the module throws when wrangler validates it. */
const rules: Rules = parseRules(BUNDLED_RULE_FILES);

/**
 * Hyperdrive already pools and keeps connections warm near the database, so a
 * client per request is cheap, and Workers forbid sharing sockets across
 * requests anyway. Five connections stay under the six a Worker may open at once.
 */
const CONNECTIONS_PER_REQUEST = 5;

/** A client over this request's Hyperdrive connection string; the caller closes it. */
function openRequestDatabase(env: Env): Database {
  const connectionString = env.HYPERDRIVE?.connectionString;
  if (!connectionString) throw new ConfigError("the HYPERDRIVE binding is missing (see wrangler.toml)");
  return openPostgres({ connectionString, max: CONNECTIONS_PER_REQUEST });
}

// The app is built once per isolate (building it costs milliseconds of CPU,
// which Workers bill) around a Database that is always the current request's.
const requestDatabase = new AsyncLocalStorage<Database>();

function currentDatabase(): Database {
  const db = requestDatabase.getStore();
  if (!db) throw new Error("the database is reachable only while a request is served");
  return db;
}

/**
 * What the app holds as `deps.db`. Routes keep `deps.db.prisma` from when they
 * are built, so `prisma` is a stand-in that forwards every use to the client
 * of the request being served.
 */
const perRequestDatabase: Database = {
  kind: "postgres",
  prisma: new Proxy({} as PrismaClient, {
    get(_target, property) {
      const client = currentDatabase().prisma;
      const value: unknown = Reflect.get(client, property, client);
      return typeof value === "function" ? value.bind(client) : value;
    },
  }),
  sql: {
    query: (text, params) => currentDatabase().sql.query(text, params),
    exec: (script) => currentDatabase().sql.exec(script),
  },
  withSession: (fn) => currentDatabase().withSession(fn),
  ping: () => currentDatabase().ping(),
  // Each request's client is closed by `fetch` once its response is out.
  close: async () => {},
};

interface Isolate {
  app: App;
  logger: Logger;
  bootstrapKey: string | undefined;
}

// Bindings and secrets are fixed for the life of an isolate (a change redeploys).
let isolate: Isolate | null = null;

function setUp(env: Env): Isolate {
  if (isolate) return isolate;
  // The Node server's own validation, so a bad LOG_LEVEL or a short secret is refused the same way.
  const config = loadConfig({ BOOTSTRAP_CENTRAL_KEY: env.BOOTSTRAP_CENTRAL_KEY, LOG_LEVEL: env.LOG_LEVEL });
  const logger = consoleLogger(config.LOG_LEVEL);
  const docsAssets = { script: docsScript, styles: docsStyles };
  const app = createApp({ db: perRequestDatabase, clock: systemClock, rules, logger, docsAssets });
  isolate = { app, logger, bootstrapKey: config.BOOTSTRAP_CENTRAL_KEY };
  return isolate;
}

/** Workers collect console output (wrangler tail, Logpush); one JSON object a line, as on Node. */
const consoleLogger = (level: Parameters<typeof jsonLogger>[0]): Logger =>
  jsonLogger(level, (line) => console.log(line));

// Once this isolate has registered the bootstrap key it need not ask again.
let bootstrapped = false;

async function ensureBootstrapKey(deps: AppDeps, secret: string | undefined): Promise<void> {
  if (!secret || bootstrapped) return;
  try {
    await registerBootstrapKey(deps, secret);
  } catch (err) {
    // Two isolates registering at once: the other one won, which is all we wanted.
    if ((err as { code?: unknown }).code !== "P2002") throw err;
  }
  bootstrapped = true;
}

/** A problem+json 500 when the Worker cannot serve at all; the detail goes to the log only. */
function cannotServe(err: unknown): Response {
  const requestId = crypto.randomUUID();
  const known = err instanceof ConfigError;
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: "error",
      msg: known ? "misconfigured" : "cannot serve",
      requestId,
      error: known ? (err as Error).message : String((err as Error)?.stack ?? err),
    }),
  );
  return new Response(JSON.stringify({ status: 500, requestId }), {
    status: 500,
    headers: { "content-type": "application/problem+json", "x-request-id": requestId },
  });
}

/** The cron triggers of wrangler.toml. */
export const CRONS = {
  /** Hourly: the stuck-claim marking the Node server runs every MARK_STUCK_INTERVAL_SECONDS. */
  markStuck: "0 * * * *",
  /** Every minute: alert webhook deliveries that are due (retries; the first attempt follows the write). */
  deliveries: "* * * * *",
} as const;

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Sends the alert webhooks that are due; logged, never thrown: the next round retries. */
async function sendDueDeliveries(deps: Pick<AppDeps, "db" | "clock" | "logger">): Promise<void> {
  try {
    const round = await deliverDue(deps);
    if (round.attempted > 0) deps.logger.info("alert webhooks sent", { ...round });
  } catch (err) {
    deps.logger.error("alert webhook round failed", { error: String((err as Error)?.message ?? err).slice(0, 500) });
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    let setup: Isolate;
    let db: Database;
    try {
      setup = setUp(env);
      db = openRequestDatabase(env);
    } catch (err) {
      return cannotServe(err);
    }
    let afterResponse: Promise<void> = Promise.resolve();
    try {
      const deps = { db, clock: systemClock, rules, logger: setup.logger };
      // A database that is down must not take /healthz with it: the next request tries again.
      await ensureBootstrapKey(deps, setup.bootstrapKey).catch((err: unknown) =>
        setup.logger.warn("bootstrap key not registered yet", {
          error: String((err as Error)?.message ?? err).slice(0, 200),
        }),
      );
      const response = await requestDatabase.run(db, () => setup.app.fetch(request));
      // A write may have raised alerts: their webhooks go out now, after the response, as
      // the Node server's 5-second round would send them; the cron retries what fails.
      if (WRITES.has(request.method) && response.status < 400) afterResponse = sendDueDeliveries(deps);
      return response;
    } catch (err) {
      // The app renders its own errors as problem+json: this is a bug outside it.
      return cannotServe(err);
    } finally {
      // Bodies are complete by now: the connections go once the deliveries are done.
      ctx.waitUntil(afterResponse.finally(() => db.close()));
    }
  },

  /**
   * The cron triggers: stuck marking hourly; re-assessment after catalogue changes, webhook deliveries and the
   * rate-limit clean-up every minute.
   */
  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    const { logger } = setUp(env);
    const db = openRequestDatabase(env);
    const deps = { db, clock: systemClock, rules, logger };
    try {
      if (controller.cron === CRONS.markStuck) {
        const { marked } = await runMarking(deps);
        logger.info("claims marked stuck", { marked, cron: controller.cron });
      }
      // Every minute: claims a catalogue change may judge differently, a bounded part (the next minute goes on).
      await reassessPending(deps, { maxChunks: 10 });
      // Also after a marking: it may have raised stuck_backlog alerts.
      await sendDueDeliveries(deps);
      await forgetEndedWindows(db.sql, systemClock.now());
    } catch (err) {
      logger.error("stuck marking failed", {
        cron: controller.cron,
        error: String((err as Error)?.message ?? err).slice(0, 500),
      });
      // Rethrown so the Workers dashboard counts the run as failed.
      throw err;
    } finally {
      await db.close();
    }
  },
};
