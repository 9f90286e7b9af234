import { serve } from "@hono/node-server";
import type { Server, ServerResponse } from "node:http";
import { scheduleAlertDeliveries } from "./alerts/deliver.ts";
import { createApp } from "./app.ts";
import { scheduleMarkStuck } from "./backlog/schedule.ts";
import { systemClock } from "./clock.ts";
import { bodyLimitsOf, type Config, ConfigError, loadConfig } from "./config.ts";
import type { AppDeps } from "./deps.ts";
import { DataDirLockedError } from "./db/data-dir-lock.ts";
import { registerBootstrapKey } from "./keys/service.ts";
import { jsonLogger } from "./logger.ts";
import { loadRules } from "./rules/load.ts";
import { RulesError } from "./rules/schema.ts";
import { openConfiguredDatabase, StartupError } from "./runtime.ts";
import { startXmlThreads } from "./xml/threads.ts";
import { forgetEndedWindows } from "./limits/count.ts";
import { every, type Schedule } from "./schedule.ts";
import { type ConnectionBounds, limitConnectionsPerClient, serverOptions } from "./http/connections.ts";
import type { WebhookRequest } from "./alerts/deliver.ts";
import { pinnedHttpsPost, resolveAll } from "./alerts/transport-node.ts";
import { readDocsAssets } from "./ops/docs-node.ts";
import { reassessPending } from "./assessment/reassess.ts";

/** The Node server: configuration from the environment, then the same app the Worker serves. */
async function main() {
  const config = loadConfig();
  const logger = jsonLogger(config.LOG_LEVEL);
  const rules = await loadRules(config.RULES_DIR);
  const { db, release } = await openConfiguredDatabase(config);
  // XML envelopes are read and translated on worker threads, beside this thread that stores (src/xml/threads.ts).
  const xmlThreads = startXmlThreads({
    onProblem: (msg, err) => logger.warn(msg, { error: String(err) }),
    jobTimeoutMs: config.XML_TIME_LIMIT_SECONDS * 1000,
  });
  const deps = {
    db,
    clock: systemClock,
    rules,
    logger,
    xmlReader: xmlThreads.read,
    // Webhook targets are resolved and checked here, and each delivery connects to the address checked.
    webhookTargets: { resolve: resolveAll, allowed: config.WEBHOOK_ALLOWED_PRIVATE },
    webhookTransport: (request: WebhookRequest) => pinnedHttpsPost(request),
    trustedProxies: config.TRUSTED_PROXIES,
    bodyLimits: bodyLimitsOf(config),
    docsAssets: readDocsAssets(),
    ...(config.SESSION_SECRET ? { sessionSecret: config.SESSION_SECRET } : {}),
  };
  if (config.BOOTSTRAP_CENTRAL_KEY) await registerBootstrapKey(deps, config.BOOTSTRAP_CENTRAL_KEY);

  const app = createApp(deps);
  const server = await listen(app.fetch, config.PORT, {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    maxConnectionsPerClient: config.MAX_CONNECTIONS_PER_CLIENT,
  }).catch(async (err) => {
    await db.close();
    release();
    throw err;
  });
  logger.info("listening", { port: config.PORT, database: db.kind });
  process.stderr.write(
    banner(config.PORT, db.kind === "pglite" ? config.DATA_DIR : null, !!config.BOOTSTRAP_CENTRAL_KEY),
  );
  const schedules = startSchedules(deps, config);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    for (const schedule of schedules) await schedule.stop();
    // Stops accepting and waits for in-flight requests (a batch mid-transaction finishes).
    await closeGracefully(server);
    await xmlThreads.close();
    await db.close();
    release();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/** The server's periodic jobs; each stops waiting for a run in progress. */
function startSchedules(deps: AppDeps, config: Config): Schedule[] {
  const { logger } = deps;
  return [
    scheduleMarkStuck(deps, config.MARK_STUCK_INTERVAL_SECONDS),
    scheduleAlertDeliveries(deps, config.WEBHOOK_INTERVAL_SECONDS),
    every(config.REASSESS_INTERVAL_SECONDS, "re-assessment", logger, async () => {
      const run = await reassessPending(deps);
      if (run.assessed > 0 || run.started > 0) logger.info("claims re-assessed", { ...run });
    }),
    // Rate-limit windows that ended limit no one: their counters go every minute.
    every(60, "rate-limit clean-up", logger, async () => {
      await forgetEndedWindows(deps.db.sql, deps.clock.now());
    }),
  ];
}

/** What a person who just ran `npm start` needs next (on stderr: stdout carries the JSON log). */
function banner(port: number, dataDir: string | null, bootstrapKey: boolean): string {
  const base = `http://localhost:${port}`;
  const key = bootstrapKey
    ? "the key in BOOTSTRAP_CENTRAL_KEY is a central key"
    : "start with BOOTSTRAP_CENTRAL_KEY=<a long secret> npm start, then sign in with that secret;\n" +
      "                  or stop the server and run npm run demo: it loads a demo year and prints keys";
  return [
    `Claims cost control is serving on ${base} (${dataDir ? `embedded database in ${dataDir}` : "PostgreSQL"})`,
    `  dashboard:      ${base}/dashboard`,
    `  API reference:  ${base}/docs (OpenAPI document: ${base}/openapi.json)`,
    `  a key:          ${key}`,
    "",
  ].join("\n");
}

/** Responses begun and not yet finished, per server: the ones a graceful stop must still answer. */
const inFlight = new WeakMap<Server, Set<ServerResponse>>();

/**
 * Stops accepting connections and resolves once every request in flight is
 * answered. A keep-alive client that keeps sending would otherwise hold the
 * process open for ever (server.close() leaves busy connections alone): once
 * stopping, every response not yet started says `Connection: close`, and
 * connections idle right now are closed right now.
 */
function closeGracefully(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.prependListener("request", (_req, res: ServerResponse) => res.setHeader("Connection", "close"));
  for (const res of inFlight.get(server) ?? []) if (!res.headersSent) res.setHeader("Connection", "close");
  server.closeIdleConnections();
  return closed;
}

function listen(fetch: Parameters<typeof serve>[0]["fetch"], port: number, bounds: ConnectionBounds): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, serverOptions: serverOptions(bounds) }) as Server;
    limitConnectionsPerClient(server, bounds);
    const open = new Set<ServerResponse>();
    inFlight.set(server, open);
    server.prependListener("request", (_req, res: ServerResponse) => {
      open.add(res);
      res.once("close", () => open.delete(res));
    });
    server.once("listening", () => resolve(server));
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new StartupError(
          err.code === "EADDRINUSE"
            ? `port ${port} is already in use (set PORT)`
            : `cannot listen on port ${port}: ${err.message}`,
        ),
      ),
    );
  });
}

main().catch((err) => {
  const known =
    err instanceof ConfigError ||
    err instanceof RulesError ||
    err instanceof StartupError ||
    err instanceof DataDirLockedError;
  // One clear line; a stack only for what we did not foresee.
  process.stderr.write(`startup failed: ${known ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
