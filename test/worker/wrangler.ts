import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type Database, openPostgres } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { readMigrations } from "../../src/db/migrations-fs.ts";
import { REPO, freePort, tempDir } from "../support/process.ts";
import { createScratchDatabase } from "../support/scratch-database.ts";

const WRANGLER = join(REPO, "node_modules", "wrangler", "bin", "wrangler.js");

/**
 * The environment wrangler runs in: nothing of the caller's Cloudflare or
 * wrangler settings, no telemetry, no error-report prompt, no fetch of the
 * `Request.cf` placeholder, no `.env`/`.dev.vars` of whoever runs the tests.
 */
function wranglerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(CLOUDFLARE_|WRANGLER_|DATABASE_URL$|BOOTSTRAP_CENTRAL_KEY$)/.test(name)) env[name] = value;
  return {
    ...env,
    CI: "true",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_SEND_ERROR_REPORTS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "false",
    ...extra,
  };
}

export interface Finished {
  code: number | null;
  output: string;
}

/** `wrangler <args>` to completion; killed (with its children) after `timeoutMs`. */
export function runWrangler(args: string[], timeoutMs = 60_000): Promise<Finished> {
  const child = spawn(process.execPath, [WRANGLER, ...args], {
    cwd: REPO,
    env: wranglerEnv({}),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, "SIGKILL");
      reject(new Error(`wrangler ${args[0]} timed out after ${timeoutMs} ms: ${output.slice(-2000)}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A `wrangler dev` started by `startWranglerDev`. */
export interface WranglerDev {
  url: string;
  output(): string;
  /** Stops wrangler and the workerd it started; resolves when they are gone. */
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev` on loopback ports nothing else uses, its Hyperdrive
 * binding pointed at `databaseUrl`, and waits until the Worker answers
 * /healthz; rejects with wrangler's output if it exits or is not up within
 * `timeoutMs`.
 */
export async function startWranglerDev(options: {
  databaseUrl: string;
  vars: Record<string, string>;
  timeoutMs?: number;
}): Promise<WranglerDev> {
  const { databaseUrl, vars, timeoutMs = 60_000 } = options;
  const port = await freePort();
  let inspectorPort = await freePort();
  while (inspectorPort === port) inspectorPort = await freePort();
  const state = tempDir("wrangler");
  const args = [
    WRANGLER,
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-ip",
    "127.0.0.1",
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    state.path,
    "--test-scheduled",
    "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
  // Its own process group, so stopping it also stops the workerd it spawns.
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: wranglerEnv({
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: hyperdriveUrl(databaseUrl),
      WRANGLER_LOG_PATH: state.path,
    }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    // workerd may outlive wrangler by a moment; the group is ours, so make sure.
    killGroup(child, "SIGKILL");
    state.remove();
  };

  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) {
      await stop();
      throw new Error(`wrangler dev exited before serving:\n${output.slice(-3000)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not serve within ${timeoutMs} ms:\n${output.slice(-3000)}`);
    }
    const up = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, output: () => output, stop };
}

/** Miniflare's Hyperdrive insists on a password in the URL; a server with trust auth ignores it. */
function hyperdriveUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!url.password) url.password = "local";
  return url.toString();
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

/**
 * For a test file: `wrangler dev` serving src/worker.ts on a database of its
 * own, which the operator's migrate() prepared (the Worker itself never
 * migrates); stopped and dropped after the file's tests.
 */
export function useWorkerOnFreshDatabase(
  label: string,
  vars: Record<string, string>,
): { readonly worker: WranglerDev; readonly db: Database } {
  let database: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let db: Database | undefined;
  let worker: WranglerDev | undefined;
  beforeAll(async () => {
    database = await createScratchDatabase(label, { namedAfterProcess: true });
    db = openPostgres({ connectionString: database.url, max: 2 });
    await migrate(db, await readMigrations());
    worker = await startWranglerDev({ databaseUrl: database.url, vars });
  }, 90_000);
  afterAll(async () => {
    await worker?.stop();
    await db?.close();
    await database?.drop();
  });
  return {
    get worker() {
      return worker!;
    },
    get db() {
      return db!;
    },
  };
}
