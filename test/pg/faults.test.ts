import { COUNTED_AMOUNT } from "../../src/spending/sql.ts";
import http from "node:http";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { isDatabaseUnavailable } from "../../src/http/errors.ts";
import { openPostgres } from "../../src/db/client.ts";
import { claim, claims } from "../support/claims.ts";
import { fingerprint } from "../support/fingerprint.ts";
import { CENTRAL_KEY, seedReference, type TestContext, useTestApp } from "../support/harness.ts";
import { stay, submitFor } from "../support/reports.ts";
import { databaseUrl, workerDatabase } from "../support/postgres-url.ts";
import { freePort, killServers, startServer } from "../support/process.ts";
import { createScratchDatabase } from "../support/scratch-database.ts";
import { type TcpProxy, startTcpProxy } from "../support/tcp-proxy.ts";
import { until, withLockSessions } from "../support/waiting.ts";

const t = useTestApp();
afterEach(() => killServers());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seed(ctx: TestContext) {
  await ctx.json("PUT", "/v1/provinces/01", { body: { name: "Hà Nội" } });
  await ctx.json("PUT", "/v1/facilities/01001", { body: { name: "Bệnh viện Bạch Mai" } });
  await ctx.json("PUT", "/v1/provinces/01/estimates/2026", { body: { amount: "1000000000" } });
  return ctx.key("facility", "01001");
}

/** The running total of province 01 in 2026 and the same sum computed over its claims. */
async function totals(ctx: TestContext) {
  const [row] = await ctx.db.prisma.$queryRawUnsafe<{ spent: string | null; over: string | null }[]>(`
    SELECT (SELECT spent::text FROM spending WHERE province_code = '01' AND year = 2026) AS spent,
           (SELECT sum(${COUNTED_AMOUNT})::text FROM claim c WHERE c.province_code = '01' AND c.year = 2026) AS over`);
  return row!;
}

/** The worker's database behind a TCP proxy the test can cut, and a pool of `max` connections through it. */
async function behindProxy(max: number): Promise<{ proxy: TcpProxy; db: ReturnType<typeof openPostgres> }> {
  const direct = new URL(databaseUrl(workerDatabase()));
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(direct);
  viaProxy.port = String(proxy.port);
  return { proxy, db: openPostgres({ connectionString: viaProxy.toString(), max }) };
}

const problemOf = async (res: Response) => ({
  status: res.status,
  type: res.headers.get("content-type"),
  retryAfter: res.headers.get("retry-after"),
  body: await res.json(),
});

describe("a batch whose database connection dies mid-transaction", () => {
  // Two places to cut it: waiting for its facility's lock (before any write), and
  // waiting for the province's spending row after its claims, history and documents are written.
  const blockers = [
    {
      where: "on the facility lock, before any write",
      sql: "SELECT pg_advisory_xact_lock(hashtext('batch:01001'))",
      waitsOn: "pg_advisory_xact_lock",
    },
    {
      where: "on the spending row, after writing its claims",
      sql: "SELECT 1 FROM spending WHERE province_code = '01' AND year = 2026 FOR UPDATE",
      waitsOn: "spending",
    },
  ];

  it.each(blockers)(
    "killed while waiting $where: 503 with Retry-After, nothing half-written, the retry stores it exactly",
    async ({ sql, waitsOn }) => {
      const facility = await seed(t);
      // A first batch, so the spending row exists and the second batch corrects one of its claims.
      const first = await t.json("POST", "/v1/batches", {
        key: facility,
        body: { batchId: "B0", claims: [claim({}, 1)] },
      });
      expect(first.status).toBe(201);
      const batch = {
        batchId: "B1",
        claims: [
          claim(
            {
              amounts: { total: "500000", insurance: "400000", patient: "100000", other: "0" },
              documents: [{ type: "discharge_paper", reference: "G-1" }],
            },
            1,
          ),
          ...claims(20, {}, 2),
        ],
      };
      const before = await fingerprint(t.db);

      await withLockSessions(async (holder, watcher) => {
        const [{ pid: holderPid }] = (await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows as [
          { pid: number },
        ];
        await holder.query("BEGIN");
        await holder.query(sql);
        const pending = t.call("POST", "/v1/batches", { key: facility, body: batch });
        const victim = await until("the batch to wait on the lock", async () => {
          const { rows } = await watcher.query<{ pid: number; query: string }>(
            `SELECT pid, query FROM pg_stat_activity
           WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), $1) AND wait_event_type = 'Lock' AND
             state = 'active'`,
            [holderPid],
          );
          return rows[0];
        });
        expect(victim.query).toContain(waitsOn);
        await watcher.query("SELECT pg_terminate_backend($1)", [victim.pid]);
        const res = await problemOf(await pending);
        expect(res).toMatchObject({
          status: 503,
          type: "application/problem+json",
          body: { status: 503, code: "database_unavailable" },
        });
        expect(Number(res.retryAfter)).toBeGreaterThan(0);
        await holder.query("ROLLBACK");
      });

      // Nothing of the batch was kept: every table is as it was before it was sent.
      expect(await fingerprint(t.db)).toEqual(before);
      // The same request again is a first receipt (201, not a replay), and the totals are exact.
      const retry = await t.json("POST", "/v1/batches", { key: facility, body: batch });
      expect(retry.status).toBe(201);
      expect(retry.body).toMatchObject({ received: 21, accepted: 21, corrected: 1, rejected: 0 });
      expect(await totals(t)).toEqual({
        spent: String(400000 + 20 * 280000) + ".00",
        over: String(400000 + 20 * 280000) + ".00",
      });
      expect(await t.db.prisma.claim.count()).toBe(21);
    },
  );
});

describe("a connection cut between two statements of a session", () => {
  it(
    "fails the session with the connection's own error (a 503, not a 500), discards the connection, and the next " +
      "session works",
    async () => {
      const { proxy, db } = await behindProxy(1);
      try {
        const failure = await db
          .withSession(async (s) => {
            await s.query("SELECT 1");
            await proxy.down();
            await sleep(50); // the client sees the socket close before its next statement
            await s.query("SELECT 2");
          })
          .then(
            () => null,
            (err: unknown) => err,
          );
        expect(isDatabaseUnavailable(failure), String(failure)).toBe(true);
        await proxy.up();
        // max 1: this session gets a new connection only if the broken one was not returned to the pool.
        expect(await db.withSession((s) => s.query<{ n: number }>("SELECT 3 AS n"))).toEqual([{ n: 3 }]);
      } finally {
        await db.close();
        await proxy.close();
      }
    },
  );
});

describe("a batch past its transaction's bounds", () => {
  it("a lock wait or a statement over its limit is 'retry later' (503), not a 500", async () => {
    const holder = new pg.Client({ connectionString: databaseUrl(workerDatabase()) });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(42)");
      // The batch path's bounds, shortened: what the database raises when they are reached.
      const lockWait = await t.db
        .withSession(async (s) => {
          await s.exec("SET LOCAL lock_timeout = '50ms'");
          await s.query("SELECT pg_advisory_xact_lock(42)");
        })
        .then(
          () => null,
          (err: unknown) => err,
        );
      const longStatement = await t.db
        .withSession(async (s) => {
          await s.exec("SET LOCAL statement_timeout = '50ms'");
          await s.query("SELECT pg_sleep(1)");
        })
        .then(
          () => null,
          (err: unknown) => err,
        );
      expect(isDatabaseUnavailable(lockWait), String(lockWait)).toBe(true);
      expect(isDatabaseUnavailable(longStatement), String(longStatement)).toBe(true);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
  });
});

describe("the database goes away and comes back", () => {
  let proxy: TcpProxy | null = null;
  afterEach(async () => {
    await proxy?.close();
    proxy = null;
  });

  it(
    "answers 503 problem+json with Retry-After while it is gone, never crashes, and serves again by itself once it " +
      "is back",
    async () => {
      const facility = await seed(t);
      const cut = await behindProxy(4);
      proxy = cut.proxy;
      const db = cut.db;
      const app = createApp({ db, clock: t.clock, rules: t.rules, logger: t.logger });
      const call = (method: string, path: string, body?: unknown, key = CENTRAL_KEY) =>
        app.request(path, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
      const requests = [
        () => call("GET", "/readyz"),
        () => call("GET", "/v1/provinces"),
        () => call("GET", "/v1/usage?year=2026"),
        () => call("POST", "/v1/batches", { batchId: "while-down", claims: [claim({}, 7)] }, facility),
        () => call("PUT", "/v1/provinces/79", { name: "Hồ Chí Minh" }),
      ];
      try {
        // 1. Up: ready, and the pool holds open connections.
        expect((await call("GET", "/readyz")).status).toBe(200);
        expect((await call("GET", "/v1/provinces")).status).toBe(200);

        // 2. Gone: every open connection is cut and new ones are refused.
        await proxy.down();
        for (const send of requests) {
          for (let i = 0; i < 2; i++) {
            const res = await problemOf(await send());
            expect(res, await JSON.stringify(res.body)).toMatchObject({
              status: 503,
              type: "application/problem+json",
              body: { status: 503 },
            });
            expect(Number(res.retryAfter)).toBeGreaterThan(0);
            expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at .*\.ts|stack/);
          }
        }
        expect(t.logger.lines.filter((l) => /"level":"error"/.test(l))).toEqual([]);

        // 3. Back: the same app, untouched, serves again.
        await proxy.up();
        await until("readiness after the database is back", async () => (await call("GET", "/readyz")).status === 200);
        expect((await call("GET", "/v1/provinces")).status).toBe(200);
        const stored = await call("POST", "/v1/batches", { batchId: "after", claims: [claim({}, 8)] }, facility);
        expect(stored.status).toBe(201);
        expect(await totals(t)).toEqual({ spent: "280000.00", over: "280000.00" });
        // The batch refused while the database was gone left nothing behind.
        expect(await t.db.prisma.batch.findMany({ select: { batchId: true } })).toEqual([{ batchId: "after" }]);
      } finally {
        await db.close();
      }
    },
  );
});

describe("the database stops answering without closing anything (a black-holed network)", () => {
  let proxy: TcpProxy | null = null;
  afterEach(async () => {
    await proxy?.close();
    proxy = null;
  });

  it("/readyz says 503 within seconds instead of waiting on TCP's timeouts, and ready again once packets flow", async () => {
    const cut = await behindProxy(4);
    proxy = cut.proxy;
    const db = cut.db;
    const app = createApp({ db, clock: t.clock, rules: t.rules, logger: t.logger });
    try {
      expect((await app.request("/readyz")).status).toBe(200);
      proxy.stall(true);
      const started = Date.now();
      const res = await app.request("/readyz");
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(Date.now() - started).toBeLessThan(10_000);
      proxy.stall(false);
      await until("readiness once packets flow again", async () => (await app.request("/readyz")).status === 200);
      expect((await app.request("/v1/provinces", { headers: { authorization: `Bearer ${CENTRAL_KEY}` } })).status).toBe(
        200,
      );
    } finally {
      proxy.stall(false);
      await db.close();
    }
  });
});

describe("SIGTERM", () => {
  it("lets a batch in flight finish and answer, then exits promptly even with a keep-alive client still calling", async () => {
    const scratch = await createScratchDatabase("sigterm");
    const key = "sigterm-central-key-0123456789";
    const server = await startServer({
      DATABASE_URL: scratch.url,
      BOOTSTRAP_CENTRAL_KEY: key,
      PORT: String(await freePort()),
      MARK_STUCK_INTERVAL_SECONDS: "0",
      LOG_LEVEL: "info",
    });
    const watcher = new pg.Client({ connectionString: scratch.url });
    // One keep-alive connection, as a load balancer or a hospital system's HTTP client would hold.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: unknown) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          `${server.url}${path}`,
          { method, agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } },
          (res) => {
            let text = "";
            res
              .setEncoding("utf8")
              .on("data", (d: string) => (text += d))
              .on("end", () => resolve({ status: res.statusCode!, text }));
          },
        );
        req.on("error", reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    try {
      expect((await send("PUT", "/v1/provinces/01", { name: "Hà Nội" })).status).toBe(201);
      expect((await send("PUT", "/v1/facilities/01001", { name: "Bệnh viện Bạch Mai" })).status).toBe(201);
      await watcher.connect();

      const size = 3000;
      const inFlight = send("POST", "/v1/batches", { batchId: "BIG", facilityCode: "01001", claims: claims(size) });
      // SIGTERM once the batch's transaction is open in the database: it is truly mid-flight.
      await until(
        "the batch's transaction to start",
        async () => {
          const { rows } = await watcher.query(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND " +
              "xact_start IS NOT NULL AND query ILIKE '%batch%'",
          );
          return rows.length > 0;
        },
        30_000,
      );
      server.child.kill("SIGTERM");

      const res = await inFlight;
      expect(res.status, res.text.slice(0, 300)).toBe(201);
      expect(JSON.parse(res.text).accepted).toBe(size);
      // The client goes on calling on its kept-alive connection: the process must still stop, and soon.
      const answeredAt = Date.now();
      let exitedAt: number | null = null;
      server.child.once("exit", () => (exitedAt = Date.now()));
      while (exitedAt === null && Date.now() - answeredAt < 8_000) {
        const ok = await send("GET", "/healthz").then(
          () => true,
          () => false,
        );
        if (!ok) break;
        await sleep(50);
      }
      const finished = await server.stop(10_000);
      expect(finished.code).toBe(0);
      expect(finished.stdout).toContain('"msg":"stopping"');
      expect((exitedAt ?? Date.now()) - answeredAt).toBeLessThan(3_000);

      const { rows } = await watcher.query<{ n: number; spent: string; over: string }>(`
        SELECT (SELECT count(*)::int FROM claim) AS n,
               (SELECT spent::text FROM spending WHERE province_code = '01' AND year = 2026) AS spent,
               (SELECT sum(insurance_amount)::text FROM claim) AS over`);
      expect(rows[0]).toEqual({ n: size, spent: String(size * 280000) + ".00", over: String(size * 280000) + ".00" });
    } finally {
      agent.destroy();
      await watcher.end().catch(() => {});
      await server.stop(5_000);
      await scratch.drop();
    }
  });
});

describe("a claim moved to another year's partition while a request waited on its lock", () => {
  it("is 'retry later' (503), not a 500", async () => {
    await seedReference(t);
    await submitFor(t, "01001", "MOVED", [stay("MOVED1", "2026-06-01T03:00:00Z")]);
    const holder = new pg.Client({ connectionString: databaseUrl(workerDatabase()) });
    await holder.connect();
    try {
      // A correction over New Year, not yet committed: the row leaves claim_2026 for claim_2025.
      await holder.query("BEGIN");
      await holder.query("UPDATE claim SET year = 2025, month = 12 WHERE claim_id = 'MOVED1'");
      const waiting = t.db
        .withSession((s) => s.query("SELECT id FROM claim WHERE claim_id = 'MOVED1' FOR UPDATE"))
        .then(
          () => null,
          (err: unknown) => err,
        );
      await until("the request waiting on the claim's lock", async () => {
        const [row] = (
          await holder.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`)
        ).rows;
        return row.n > 0;
      });
      await holder.query("COMMIT");
      const moved = await waiting;
      expect(String(moved)).toMatch(/moved to another partition/);
      expect(isDatabaseUnavailable(moved), String(moved)).toBe(true);
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      await holder.end();
    }
  });
});
