import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import pg from "pg";

/** A fresh database on the server DATABASE_URL names, so a benchmark never touches real data. */
export async function freshDatabase(baseUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Starts `npm start`'s server as its own process (its own event loop, as in production) and waits until ready. */
export async function startServer(
  env: Record<string, string | undefined>,
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = env.PORT ?? "18787";
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=.scratch/prof", profiles the server itself.
  const extra = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  // A variable given as undefined is left out of the server's environment (DATABASE_URL for PGlite).
  const merged: Record<string, string | undefined> = {
    ...process.env,
    LOG_LEVEL: "warn",
    MARK_STUCK_INTERVAL_SECONDS: "0",
    ...env,
    PORT: port,
  };
  for (const name of Object.keys(merged)) if (merged[name] === undefined) delete merged[name];
  const child = spawn(process.execPath, [...extra, "--import", "tsx", "src/node.ts"], {
    env: merged,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error("server did not become ready in 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { url, child, stop };
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const agent = new http.Agent({ keepAlive: true });

/**
 * POSTs a body that is already bytes and returns the status and the parsed
 * JSON answer. node:http rather than fetch: the load generator shares the
 * machine's two cores with the service, and fetch spends several ms of CPU
 * more per request on a body of a few MB (measured: 7.4 MB, 6.7-8.6 ms
 * against 2.2-3.8 ms), which would be taken from the service being measured.
 */
export function postBytes(
  url: string,
  key: string,
  contentType: string,
  body: Buffer,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { authorization: `Bearer ${key}`, "content-type": contentType, "content-length": body.byteLength },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString("utf8")) });
          } catch (err) {
            reject(err);
          }
        });
        res.on("error", reject);
      },
    );
    req.on("error", (err) => reject(new Error(`POST ${url}: ${err.message}`, { cause: err })));
    req.end(body);
  });
}
