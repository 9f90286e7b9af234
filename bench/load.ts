/**
 * npm run load: 50 concurrent clients against the real server on real
 * PostgreSQL (DATABASE_URL; a fresh database <name>_load is made there) for
 * LOAD_SECONDS (default 60), mixing claim batches (new claims, corrections,
 * identical replays, a few invalid claims), reads (usage, claims, alerts,
 * backlog, one claim), alert steps (acknowledge, resolve) and claim decisions.
 * Loopback only; every request has a deadline.
 *
 * Prints throughput, p50/p99 per kind of request, errors (must be 0: a 5xx, a
 * network failure or a status the request's kind does not allow), and then
 * checks that every province's running total equals the sum over its claims
 * (spending and spending_detail against claim). Exits 1 on any error or
 * mismatch.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run load
 *   LOAD_SECONDS=20 LOAD_CLIENTS=50 npm run load
 */
import pg from "pg";
import { vietnamYearMonth } from "../src/domain/period.ts";
import { type Facility, facilities, makeClaim, PROVINCES, rng } from "./data.ts";
import { freshDatabase, percentile, startServer } from "./server.ts";

const BASE = process.env.DATABASE_URL;
if (!BASE) {
  console.error("load: set DATABASE_URL to a PostgreSQL server (a fresh database <name>_load is made on it)");
  process.exit(1);
}
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 50);
const BATCH_SIZE = Number(process.env.LOAD_BATCH_SIZE ?? 50);
const KEY = "load-central-key-0123456789abcdef";
const DEADLINE_MS = 30_000;

type Kind = "batch" | "replay" | "read" | "alert" | "decision";
/** The statuses each kind of request may answer; anything else is an error. 409: a step another client took first. */
const ALLOWED: Record<Kind, number[]> = {
  batch: [201],
  replay: [200],
  read: [200],
  alert: [200, 409],
  decision: [200, 409],
};

const dbName = `${new URL(BASE).pathname.slice(1) || "postgres"}_load`;
const dbUrl = await freshDatabase(BASE, dbName);
const server = await startServer({
  DATABASE_URL: dbUrl,
  BOOTSTRAP_CENTRAL_KEY: KEY,
  PORT: process.env.LOAD_PORT ?? "18788",
});
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(server.url))
  throw new Error(`load: refusing a non-loopback target ${server.url}`);

const latencies: Record<Kind, number[]> = { batch: [], replay: [], read: [], alert: [], decision: [] };
const errors: string[] = [];
const counts = { claims: 0, conflicts: 0 };

async function call(
  kind: Kind | null,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const started = performance.now();
  let status: number;
  let out: any;
  try {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(DEADLINE_MS),
    });
    status = res.status;
    const text = await res.text();
    out = text ? JSON.parse(text) : null;
  } catch (err) {
    if (kind) errors.push(`${method} ${path}: ${(err as Error).message}`);
    else throw err;
    return { status: 0, body: null };
  }
  if (kind) {
    latencies[kind].push(performance.now() - started);
    if (!ALLOWED[kind].includes(status))
      errors.push(`${method} ${path}: ${status} ${JSON.stringify(out).slice(0, 300)}`);
    else if (status === 409) counts.conflicts++;
  } else if (status >= 300) throw new Error(`setup ${method} ${path}: ${status} ${JSON.stringify(out).slice(0, 300)}`);
  return { status, body: out };
}

let exitCode = 0;
try {
  // 1. Reference data: 4 provinces of 5 facilities, estimates small enough that the 85% threshold is crossed early
  // (and, once resolved, crossed again by the next batch), a key per facility and per province.
  const fs = facilities(5);
  const year = vietnamYearMonth(new Date()).year;
  const provinceKeys = new Map<string, string>();
  for (const [code, name] of PROVINCES) {
    await call(null, "PUT", `/v1/provinces/${code}`, KEY, { name });
    await call(null, "PUT", `/v1/provinces/${code}/estimates/${year}`, KEY, { amount: "1500000000" });
    provinceKeys.set(
      code,
      (await call(null, "POST", "/v1/keys", KEY, { role: "province", scope: code, name: `load ${code}` })).body.key,
    );
  }
  const facilityKeys = new Map<string, string>();
  for (const f of fs) {
    await call(null, "PUT", `/v1/facilities/${f.code}`, KEY, { name: `Bệnh viện ${f.code}` });
    facilityKeys.set(
      f.code,
      (await call(null, "POST", "/v1/keys", KEY, { role: "facility", scope: f.code, name: f.code })).body.key,
    );
  }

  // 2. The clients. Each owns its claim ids, so corrections and replays are its own; facilities are shared (serialised
  // per facility by the server).
  const stopAt = Date.now() + SECONDS * 1000;
  const started = performance.now();
  const client = async (n: number) => {
    const r = rng(1000 + n);
    const now = new Date();
    let nextId = n * 10_000_000;
    const sent: { facility: Facility; id: number }[] = [];
    const lastBatch: { key: string; body: string }[] = [];
    let batchNo = 0;
    while (Date.now() < stopAt) {
      const roll = r(100);
      const facility = fs[r(fs.length)]!;
      const province = facility.provinceCode;
      if (roll < 35) {
        // A batch: mostly new claims, some corrections of this client's earlier claims of the facility, a few invalid.
        const claims = [];
        const mine = sent.filter((s) => s.facility.code === facility.code);
        const used = new Set<number>();
        for (let i = 0; i < BATCH_SIZE; i++) {
          const v = r(100);
          if (v < 5 && mine.length) {
            const { id } = mine[r(mine.length)]!;
            if (used.has(id)) continue;
            used.add(id);
            claims.push(makeClaim(r, facility, id, now, "corrected"));
          } else {
            const id = nextId++;
            used.add(id);
            const variant = v < 10 ? "pending" : v < 13 ? "invalid" : "valid";
            if (variant !== "invalid") sent.push({ facility, id });
            claims.push(makeClaim(r, facility, id, now, variant));
          }
        }
        const body = JSON.stringify({ batchId: `load-${n}-${batchNo++}`, claims });
        const key = facilityKeys.get(facility.code)!;
        const res = await call("batch", "POST", "/v1/batches", key, body);
        if (res.status === 201) {
          counts.claims += claims.length;
          lastBatch.push({ key, body });
        }
      } else if (roll < 40 && lastBatch.length) {
        // The same batch again: the first response, nothing changed.
        const { key, body } = lastBatch[r(lastBatch.length)]!;
        await call("replay", "POST", "/v1/batches", key, body);
      } else if (roll < 75) {
        const pKey = provinceKeys.get(province)!;
        const reads: [string, string][] = [
          [`/v1/usage?year=${year}`, KEY],
          [`/v1/provinces/${province}/usage?year=${year}`, pKey],
          [`/v1/claims?province=${province}&limit=50`, pKey],
          [`/v1/claims?limit=20`, facilityKeys.get(facility.code)!],
          [`/v1/alerts?province=${province}&status=open`, pKey],
          [`/v1/backlog?year=${year}`, pKey],
        ];
        const [path, key] = reads[r(reads.length)]!;
        const res = await call("read", "GET", path, key);
        // Now and then, one claim from the list.
        const first = res.body?.data?.[0];
        if (first?.claimId && r(4) === 0)
          await call("read", "GET", `/v1/claims/${first.facilityCode}/${encodeURIComponent(first.claimId)}`, key);
      } else if (roll < 92) {
        // An alert step by the province: acknowledge an open alert, or resolve an acknowledged one (raised again by the
        // next crossing).
        const pKey = provinceKeys.get(province)!;
        const status = r(2) ? "open" : "acknowledged";
        const list = await call("read", "GET", `/v1/alerts?province=${province}&status=${status}&limit=5`, pKey);
        const alert = list.body?.data?.[r(Math.max(1, list.body?.data?.length ?? 1))];
        if (alert)
          await call("alert", "POST", `/v1/alerts/${alert.id}/${status === "open" ? "acknowledge" : "resolve"}`, pKey, {
            note: `load client ${n}`,
          });
      } else {
        // A decision on one of the province's accepted claims: approve a little less, or deny.
        const pKey = provinceKeys.get(province)!;
        const list = await call("read", "GET", `/v1/claims?province=${province}&status=accepted&limit=20`, pKey);
        const c = list.body?.data?.[r(Math.max(1, list.body?.data?.length ?? 1))];
        if (c) {
          const insurance = Number(c.amounts.insurance);
          const body = r(3)
            ? { outcome: "approved", approvedAmount: String(Math.max(0, insurance - 1000)), reason: "load" }
            : { outcome: "denied", reason: "load" };
          await call(
            "decision",
            "POST",
            `/v1/claims/${c.facilityCode}/${encodeURIComponent(c.claimId)}/decision`,
            pKey,
            body,
          );
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
  const seconds = (performance.now() - started) / 1000;

  // 3. Every province's running totals against the sum over its claims.
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const { rows: mismatches } = await db.query(`
    WITH truth AS (
      SELECT province_code, year,
             sum(CASE WHEN status = 'denied' THEN 0 WHEN status = 'approved' THEN approved_amount ELSE insurance_amount
               END) AS spent,
             sum(CASE WHEN status = 'pending_documentation' THEN insurance_amount ELSE 0 END) AS pending,
             count(*) FILTER (WHERE status <> 'denied') AS n
      FROM claim GROUP BY province_code, year),
    detail AS (SELECT province_code, year, sum(spent) AS spent, sum(pending_amount) AS pending FROM spending_detail
      GROUP BY province_code, year)
    SELECT coalesce(t.province_code, s.province_code) AS province, coalesce(t.year, s.year) AS year,
           t.spent::text AS claims_spent, s.spent::text AS spending, d.spent::text AS detail_spent,
           t.pending::text AS claims_pending, s.pending_amount::text AS spending_pending, t.n AS claims_n,
             s.claim_count AS spending_n
    FROM truth t FULL JOIN spending s ON s.province_code = t.province_code AND s.year = t.year
    LEFT JOIN detail d ON d.province_code = coalesce(t.province_code, s.province_code) AND d.year = coalesce(t.year,
      s.year)
    WHERE t.spent IS DISTINCT FROM s.spent OR d.spent IS DISTINCT FROM s.spent OR t.pending IS DISTINCT FROM
      s.pending_amount
       OR t.n IS DISTINCT FROM s.claim_count::bigint`);
  const { rows: totals } = await db.query(`
    SELECT s.province_code AS province, s.spent::text AS spent, s.claim_count AS n,
           (SELECT count(*) FROM alert a WHERE a.province_code = s.province_code) AS alerts
    FROM spending s ORDER BY s.province_code`);
  const [{ claims: storedClaims, decided }] = (
    await db.query(
      "SELECT count(*)::int AS claims, count(*) FILTER (WHERE status IN ('approved', 'denied'))::int AS decided FROM " +
        "claim",
    )
  ).rows;
  await db.end();

  const all = Object.values(latencies)
    .flat()
    .sort((a, b) => a - b);
  const f = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(`load: ${CLIENTS} clients for ${seconds.toFixed(1)} s against ${server.url} (database ${dbName})`);
  console.log(
    `requests: ${f(all.length)} (${f(all.length / seconds)}/s), claims sent in batches: ${f(counts.claims)} ` +
      `(${f(counts.claims / seconds)}/s), stored ${f(storedClaims)}, decided ${f(decided)}`,
  );
  console.log(`latency all: p50 ${f(percentile(all, 50))} ms, p99 ${f(percentile(all, 99))} ms`);
  for (const kind of Object.keys(latencies) as Kind[]) {
    const l = latencies[kind].sort((a, b) => a - b);
    if (l.length)
      console.log(
        `  ${kind.padEnd(8)} ${f(l.length).padStart(7)} requests, p50 ${f(percentile(l, 50))} ms, p99 ` +
          `${f(percentile(l, 99))} ms`,
      );
  }
  console.log(`conflicts (409, a step another client took first): ${counts.conflicts}`);
  for (const t of totals)
    console.log(`  province ${t.province}: spent ${t.spent} over ${t.n} claims, ${t.alerts} alerts raised`);
  console.log(`errors: ${errors.length}`);
  for (const e of errors.slice(0, 20)) console.log(`  ${e}`);
  console.log(`totals equal the sum over claims: ${mismatches.length === 0 ? "yes" : "NO"}`);
  for (const m of mismatches) console.log(`  ${JSON.stringify(m)}`);
  if (errors.length || mismatches.length || all.length === 0) exitCode = 1;
} finally {
  await server.stop();
}
process.exit(exitCode);
