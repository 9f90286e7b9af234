import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** Variables of ours that must not leak from the test runner into a child. */
const OWN_VARIABLES = [
  "DATABASE_URL",
  "DATA_DIR",
  "PORT",
  "RULES_DIR",
  "BOOTSTRAP_CENTRAL_KEY",
  "MARK_STUCK_INTERVAL_SECONDS",
  "WEBHOOK_INTERVAL_SECONDS",
  "SESSION_SECRET",
  "LOG_LEVEL",
];

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of OWN_VARIABLES) delete base[name];
  return { ...base, ...env };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx <script> ...args` to completion, killed after `timeoutMs`. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<Finished> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: REPO,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collect(child, timeoutMs);
}

function collect(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out after ${timeoutMs} ms; stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(-500)}`));
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A running server process started by `startServer`. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): { stdout: string; stderr: string };
  /** `signal` (SIGTERM), then SIGKILL if it has not exited within `graceMs`; resolves when it is gone. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<Finished>;
}

const running = new Set<ChildProcess>();

/**
 * Starts `src/node.ts` and waits until it logs "listening"; rejects with its
 * output if it exits first or does not get there within `timeoutMs`.
 */
export async function startServer(
  env: Record<string, string> & { PORT: string },
  timeoutMs = 45_000,
  { viaNpm = false }: { viaNpm?: boolean } = {},
): Promise<ServerProcess> {
  // viaNpm: the README's `npm start`, so signals go through npm as they do for a person at a terminal.
  const [command, args] = viaNpm
    ? ["npm", ["start", "--silent"]]
    : [process.execPath, ["--import", "tsx", "src/node.ts"]];
  const child = spawn(command, args, {
    cwd: REPO,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<Finished>((resolve) =>
    child.once("close", (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`)),
      timeoutMs,
    );
    const onData = () => {
      if (/"msg":"listening"/.test(stdout)) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    void exited.then((f) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${f.code ?? f.signal}) before listening; stderr: ${f.stderr}`));
    });
  });
  const port = Number(env.PORT);
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => ({ stdout, stderr }),
    async stop(graceMs = 10_000, signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        const finished = await exited;
        clearTimeout(timer);
        return finished;
      }
      return exited;
    },
  };
}

/** Kills every server this file started and has not stopped (for afterEach). */
export async function killServers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("close", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
  running.clear();
}

/** A port in 18000-18999 nothing listens on right now. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 18000 + Math.floor(Math.random() * 1000);
    const ok = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, () => probe.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error("no free port in 18000-18999");
}

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `bhyt-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The non-empty lines of a stream's text. */
export const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");
