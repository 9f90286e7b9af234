import { existsSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Finished, freePort, killServers, lines, runScript, startServer, tempDir } from "../support/process.ts";
import { createScratchDatabase } from "../support/scratch-database.ts";

const KEY = "startup-test-central-key-0123";
const auth = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };

/** Start-up failures: exit code 1 and exactly one line on stderr, no stack trace. */
function expectOneLineFailure(r: Finished, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(1);
  expect(lines(r.stderr), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

const failedStart = (env: Record<string, string>) => runScript("src/node.ts", [], env, 30_000);

describe("starting the server", { timeout: 90_000 }, () => {
  const dirs: { remove: () => void }[] = [];
  const temp = (prefix: string) => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d.path;
  };
  afterEach(async () => {
    await killServers();
    dirs.splice(0).forEach((d) => d.remove());
  });

  // One story, so the embedded database is created only once (seconds on a busy machine).
  it(
    "serves on PORT with the embedded database under DATA_DIR, refuses a second process on that folder, and keeps " +
      "the data across a restart",
    async () => {
      const dataDir = temp("data");
      const env = { PORT: String(await freePort()), DATA_DIR: dataDir, BOOTSTRAP_CENTRAL_KEY: KEY };

      // First, a start on an empty folder creates and migrates the database.
      const first = await startServer(env);
      expect(await (await fetch(`${first.url}/healthz`)).json()).toEqual({ status: "ok" });
      expect(await (await fetch(`${first.url}/readyz`)).json()).toEqual({ status: "ready", database: "pglite" });
      const put = await fetch(`${first.url}/v1/provinces/01`, {
        method: "PUT",
        headers: auth,
        body: JSON.stringify({ name: "Hà Nội" }),
      });
      expect(put.status).toBe(201);
      expect(existsSync(join(dataDir, "server.pid"))).toBe(true);

      // Second, another process on the same folder exits 1 with one line naming it; the first keeps serving.
      const rival = await failedStart({ PORT: String(await freePort()), DATA_DIR: dataDir });
      expectOneLineFailure(rival, /in use by another process/);
      expect(rival.stderr).toContain(dataDir);
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);

      // Third, a clean stop releases the folder.
      const stopped = await first.stop();
      expect(stopped.code).toBe(0);
      expect(existsSync(join(dataDir, "server.pid"))).toBe(false);

      // Fourth, after a restart the province is still there.
      const second = await startServer({ ...env, PORT: String(await freePort()) });
      const read = await fetch(`${second.url}/v1/provinces`, { headers: auth });
      expect((await read.json()).data).toEqual([expect.objectContaining({ code: "01", name: "Hà Nội" })]);
      await second.stop();
    },
  );

  it("npm start says where the dashboard and the API reference are, and stops on SIGTERM and on SIGINT, freeing the port and DATA_DIR", async () => {
    const dataDir = temp("signals");
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const port = await freePort();
      const server = await startServer({ PORT: String(port), DATA_DIR: dataDir }, 60_000, { viaNpm: true });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      // It tells a newcomer where to go and how to get a key.
      expect(server.output().stderr).toContain(`http://localhost:${port}/dashboard`);
      expect(server.output().stderr).toContain(`http://localhost:${port}/docs`);
      expect(server.output().stderr).toContain("BOOTSTRAP_CENTRAL_KEY");
      expect(server.output().stderr).toContain("npm run demo");
      // A graceful stop well within the grace period: no SIGKILL needed.
      const stopped = await server.stop(20_000, signal);
      expect(stopped.signal, stopped.stderr).not.toBe("SIGKILL");
      expect(existsSync(join(dataDir, "server.pid"))).toBe(false);
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    }
  });

  it("a DATABASE_URL that is not a URL exits 1 with one line naming the variable", async () => {
    const r = await failedStart({ PORT: String(await freePort()), DATABASE_URL: "not a url" });
    expectOneLineFailure(r, /^startup failed: invalid environment: DATABASE_URL /);
  });

  it("an unreachable database exits 1 with one line saying where it looked", async () => {
    const r = await failedStart({
      PORT: String(await freePort()),
      DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x",
    });
    expectOneLineFailure(r, /^startup failed: cannot reach PostgreSQL at 127\.0\.0\.1:1\/x/);
  });

  it("an invalid rule file exits 1 with one line naming the file and the field", async () => {
    const rulesDir = temp("rules");
    writeFileSync(
      join(rulesDir, "usage.json"),
      JSON.stringify({ thresholds: [{ ratio: "eighty-five", severity: "high" }] }),
    );
    const r = await failedStart({ PORT: String(await freePort()), DATA_DIR: temp("data"), RULES_DIR: rulesDir });
    expectOneLineFailure(r, /^startup failed: rules: usage\.json: thresholds\.0\.ratio: /);
  });
});

describe("starting the server on PostgreSQL", { timeout: 90_000 }, () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let blocker: Server | undefined;
  beforeAll(async () => {
    scratch = await createScratchDatabase("startup");
  });
  afterEach(async () => {
    await killServers();
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    blocker = undefined;
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('with DATABASE_URL set it migrates that database and serves /readyz with database "postgres"', async () => {
    const server = await startServer({
      PORT: String(await freePort()),
      DATABASE_URL: scratch.url,
      BOOTSTRAP_CENTRAL_KEY: KEY,
    });
    const ready = await fetch(`${server.url}/readyz`);
    expect(await ready.json()).toEqual({ status: "ready", database: "postgres" });
    expect((await fetch(`${server.url}/v1/provinces`, { headers: auth })).status).toBe(200);
    const stopped = await server.stop();
    expect(stopped.code).toBe(0);
  });

  it("a port already in use exits 1 with one line naming the port", async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(port, resolve));
    const r = await failedStart({ PORT: String(port), DATABASE_URL: scratch.url });
    expectOneLineFailure(r, new RegExp(`^startup failed: port ${port} is already in use`));
  });
});
