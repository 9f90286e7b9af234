/**
 * npm run bench: end-to-end batch ingestion against real PostgreSQL
 * (DATABASE_URL), beside a raw COPY of the same rows into a bare table of the
 * claim table's shape (sent in 64 KB blocks; the median of three runs).
 * Prints claims/s for both, batch latency, PostgreSQL's own CPU per 1,000 rows
 * on each path when the database runs on this machine, and last the line
 * `ingest/copy ratio: X` (target >= 0.5). Also the same path fed by
 * Ministry of Health XML envelopes of 1,000 episodes (POST /v1/batches/xml,
 * issue 11): `xml/json ratio: X` (target >= 0.5), and the same JSON claims
 * with LINES (20) cost lines each (issue 20): `lines/json ratio: X` (target
 * >= 0.6). The runs take turns (JSON, LINES, XML, XML, LINES, JSON, half of
 * each at a time), so a drift in the machine's speed weighs on all alike.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench
 *   BATCHES=60 CLIENTS=4 XML_FILES=24 LINES=20 npm run bench
 *   BENCH_DATABASE=other_name npm run bench   (default: <database>_bench, dropped and made afresh)
 */
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { canonicalJson, sha256 } from "../src/domain/canonical.ts";
import { facilities, makeBatches, PROVINCES, rng, withLines } from "./data.ts";
import { freshDatabase, percentile, postBytes, startServer } from "./server.ts";
import { fixtureEnvelope } from "../src/demo/xml-envelope.ts";

const BASE = process.env.DATABASE_URL;
if (!BASE) {
  console.error("bench: set DATABASE_URL to a PostgreSQL server (a fresh database <name>_bench is made on it)");
  process.exit(1);
}
const BATCHES = Number(process.env.BATCHES ?? 40);
const CLIENTS = Number(process.env.CLIENTS ?? 4);
const SIZE = 1000;
const LINES = Number(process.env.LINES ?? 20);
const KEY = "bench-central-key-0123456789";

// XML envelopes for step 2b, made before any request: a pause between requests lets the server drop kept-alive sockets.
const envelopes = xmlEnvelopes(facilities(10), new Date());

const dbName = process.env.BENCH_DATABASE ?? `${new URL(BASE).pathname.slice(1) || "postgres"}_bench`;
const dbUrl = await freshDatabase(BASE, dbName);
const server = await startServer({
  DATABASE_URL: dbUrl,
  BOOTSTRAP_CENTRAL_KEY: KEY,
  PORT: process.env.BENCH_PORT ?? "18787",
});
const call = async (path: string, body: unknown, key = KEY, method = "POST") => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};

try {
  // 1. Reference data: 4 provinces, 40 facilities, estimates, one key per facility.
  const fs = facilities(10);
  for (const [code, name] of PROVINCES) {
    await call(`/v1/provinces/${code}`, { name }, KEY, "PUT");
    await call(`/v1/provinces/${code}/estimates/2026`, { amount: "5000000000000" }, KEY, "PUT");
  }
  const keys = new Map<string, string>();
  for (const f of fs) {
    await call(`/v1/facilities/${f.code}`, { name: `Bệnh viện ${f.code}` }, KEY, "PUT");
    keys.set(f.code, (await call("/v1/keys", { role: "facility", scope: f.code, name: f.code })).key);
  }

  // 2. Batches of 1,000 claims from CLIENTS concurrent clients; a few warm-up batches first.
  const now = new Date();
  const warm = makeBatches(fs, CLIENTS, SIZE, now, 7, "warm");
  const batches = makeBatches(fs, BATCHES, SIZE, now, 1);
  // Bodies as bytes, made before the clock starts, as a hospital's system would send a file it has.
  const bodies = batches.map((b) => ({ key: keys.get(b.facility.code)!, bytes: Buffer.from(JSON.stringify(b.body)) }));
  // The same claims again under new ids, each with LINES cost lines (issue 20): what lines cost on the JSON path.
  const lineRng = rng(5);
  const linedBodies = makeBatches(fs, LINES ? BATCHES : 0, SIZE, now, 1, "lines").map((b) => ({
    key: keys.get(b.facility.code)!,
    bytes: Buffer.from(
      JSON.stringify({
        ...b.body,
        claims: b.body.claims.map((c) => withLines({ ...c, claimId: `${c.claimId}-L` }, lineRng, LINES)),
      }),
    ),
  }));
  await Promise.all(warm.map((b) => call("/v1/batches", b.body, keys.get(b.facility.code)!)));

  const latencies: number[] = [];
  const outcomes = { created: 0, corrected: 0, unchanged: 0, rejected: 0, pending: 0 };
  // Latencies and outcomes are the batches without lines, as before lines existed.
  const postJson = (i: number) => postBatch(bodies[i]!, i, true);
  const postLined = (i: number) => postBatch(linedBodies[i]!, i, false);
  const postBatch = async (batch: { key: string; bytes: Buffer }, i: number, recorded: boolean) => {
    const t0 = performance.now();
    const { status, body: out } = await postBytes(
      `${server.url}/v1/batches`,
      batch.key,
      "application/json",
      batch.bytes,
    );
    if (status !== 201) throw new Error(`batch ${i}: ${status} ${JSON.stringify(out).slice(0, 300)}`);
    if (!recorded) return;
    latencies.push(performance.now() - t0);
    outcomes.created += out.received - out.rejected - out.corrected - out.unchanged;
    outcomes.corrected += out.corrected;
    outcomes.unchanged += out.unchanged;
    outcomes.rejected += out.rejected;
    outcomes.pending += out.pendingDocumentation;
  };
  await benchXmlWarm(server.url, envelopes, keys);

  // 2b. The same path fed by Ministry of Health XML envelopes (issue 11), and by JSON claims with lines (issue 20).
  // The runs take turns, JSON LINES XML XML LINES JSON, each half of its items at a time: this machine's speed
  // drifts (a shared host), and a drift in one order is then undone by the other instead of favouring one path.
  const jsonRun = newRun();
  const xmlRun = newRun();
  const linesRun = newRun();
  const half = (n: number) => Math.ceil(n / 2);
  await jsonRun.time(dbUrl, server.child.pid, () => clients(0, half(bodies.length), postJson));
  // LINES=0 leaves the lined run out (the figures as before lines existed).
  if (LINES) await linesRun.time(dbUrl, server.child.pid, () => clients(0, half(linedBodies.length), postLined));
  await xmlRun.time(dbUrl, server.child.pid, () =>
    clients(0, half(envelopes.files.length), (i) => postXml(server.url, envelopes.files[i]!, keys)),
  );
  await xmlRun.time(dbUrl, server.child.pid, () =>
    clients(half(envelopes.files.length), envelopes.files.length, (i) =>
      postXml(server.url, envelopes.files[i]!, keys),
    ),
  );
  await linesRun.time(dbUrl, server.child.pid, () => clients(half(linedBodies.length), linedBodies.length, postLined));
  await jsonRun.time(dbUrl, server.child.pid, () => clients(half(bodies.length), bodies.length, postJson));
  const claimCount = BATCHES * SIZE;
  const linesRate = LINES ? claimCount / linesRun.seconds : 0;
  const ingestSeconds = jsonRun.seconds;
  const ingestRate = claimCount / ingestSeconds;
  const ingestDbCpu = jsonRun.dbCpu;
  const ingestServiceCpu = jsonRun.serviceCpu;
  const xmlEpisodes = envelopes.files.length * 1000;
  const xml = {
    rate: xmlEpisodes / xmlRun.seconds,
    serviceCpu: xmlRun.serviceCpu,
    dbCpu: xmlRun.dbCpu,
    files: envelopes.files.length,
    bytes: envelopes.files.reduce((n, f) => n + f.body.byteLength, 0),
  };
  // Printed at once as well, so the figure is seen even if a later step fails.
  console.log(`xml: ${Math.round(xml.rate)} episodes/s against json ${Math.round(ingestRate)} claims/s`);

  // 3. The same rows through COPY into a bare table of the claim table's shape (no indexes, no constraints).
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const esc = (v: unknown) =>
    v === null || v === undefined
      ? "\\N"
      : String(v).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");
  const arr = (xs: string[]) => `{${xs.map((x) => `"${x}"`).join(",")}}`;
  let id = 0;
  const lines = batches.flatMap((b) =>
    b.body.claims.map((c) => {
      const d = new Date(c.dischargedAt);
      const row = [
        ++id,
        b.facility.code,
        c.claimId,
        b.facility.provinceCode,
        2026,
        d.getUTCMonth() + 1,
        c.visitType,
        c.admittedAt,
        c.dischargedAt,
        now.toISOString(),
        c.patient.cardNumber,
        c.patient.citizenId,
        c.patient.name,
        c.patient.birthDate,
        c.patient.gender,
        c.diagnosis.primary,
        arr(c.diagnosis.secondary),
        "f",
        "f",
        "f",
        c.amounts.total,
        c.amounts.insurance,
        c.amounts.patient,
        c.amounts.other,
        null,
        "accepted",
        "{}",
        "{}",
        null,
        "f",
        null,
        sha256(canonicalJson(c)),
        1,
        1,
        null,
        now.toISOString(),
        now.toISOString(),
        // Columns added by later migrations come last in the table (ALTER TABLE ADD COLUMN): referral_from,
        // referral_paper, warnings, cost_split, lines.
        null,
        null,
        "[]",
        "{}",
        null,
      ];
      return row.map(esc).join("\t") + "\n";
    }),
  );
  // Sent in blocks of about 64 KB, as a bulk loader would; the median of three runs into a fresh table.
  const blocks: string[] = [];
  for (let i = 0, block = ""; i < lines.length; i++) {
    block += lines[i];
    if (block.length >= 65_536 || i === lines.length - 1) {
      blocks.push(block);
      block = "";
    }
  }
  const copyRuns: { seconds: number; dbCpu: number | null }[] = [];
  for (let run = 0; run < 3; run++) {
    await client.query(
      "DROP TABLE IF EXISTS bench_claim_copy; CREATE TABLE bench_claim_copy (LIKE claim INCLUDING DEFAULTS)",
    );
    const copyCpu = await databaseCpu(dbUrl);
    const copyStarted = performance.now();
    await pipeline(Readable.from(blocks), client.query(copyFrom("COPY bench_claim_copy FROM STDIN")));
    const seconds = (performance.now() - copyStarted) / 1000;
    copyRuns.push({ seconds, dbCpu: await copyCpu.since() });
  }
  await client.end();
  const median = [...copyRuns].sort((a, b) => a.seconds - b.seconds)[1]!;
  const copySeconds = median.seconds;
  const copyDbCpu = median.dbCpu;
  const copyRate = lines.length / copySeconds;

  latencies.sort((a, b) => a - b);
  const f = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(`batches: ${BATCHES} x ${SIZE} claims from ${CLIENTS} concurrent clients (database ${dbName})`);
  console.log(
    `outcomes: created ${f(outcomes.created)}, corrected ${f(outcomes.corrected)}, rejected ${f(outcomes.rejected)}, ` +
      `pending documentation ${f(outcomes.pending)}`,
  );
  console.log(`ingest over HTTP: ${f(ingestRate)} claims/s (${ingestSeconds.toFixed(2)} s)`);
  console.log(
    `1,000-claim batch latency: p50 ${f(percentile(latencies, 50))} ms, p99 ${f(percentile(latencies, 99))} ms`,
  );
  console.log(
    `COPY into bare table: ${f(copyRate)} rows/s (median of ${copyRuns.map((r) => r.seconds.toFixed(2)).join(", ")} s)`,
  );
  // What the database itself spends: the floor under the ratio, whatever the service does in front of it.
  if (ingestDbCpu !== null && copyDbCpu !== null)
    console.log(
      `PostgreSQL CPU per 1,000 rows: ingest ${(ingestDbCpu / (claimCount / 1000)).toFixed(1)} ms, COPY ` +
        `${(copyDbCpu / (lines.length / 1000)).toFixed(1)} ms`,
    );
  console.log(
    `xml ingest over HTTP: ${f(xml.rate)} episodes/s (${xml.files} envelopes of 1,000 episodes, ` +
      `${(xml.bytes / xml.files / 1024 / 1024).toFixed(1)} MB each)`,
  );
  // The service's own CPU (every thread: the one that stores, the XML reading thread, the garbage collector's) and
  // PostgreSQL's: what the ratio follows on two cores, and steadier than the rates on a shared host.
  const per1000 = (ms: number | null, items: number) =>
    ms === null ? "n/a" : `${(ms / (items / 1000)).toFixed(1)} ms`;
  console.log(
    `service CPU per 1,000: json ${per1000(ingestServiceCpu, claimCount)}, xml ${per1000(xml.serviceCpu, xmlEpisodes)}`,
  );
  console.log(`PostgreSQL CPU per 1,000 in the XML run: ${per1000(xml.dbCpu, xmlEpisodes)}`);
  console.log(
    `json with ${LINES} lines a claim: ${f(linesRate)} claims/s; service CPU per 1,000 ` +
      `${per1000(linesRun.serviceCpu, claimCount)}, PostgreSQL ${per1000(linesRun.dbCpu, claimCount)}`,
  );
  console.log(`xml/json ratio: ${(xml.rate / ingestRate).toFixed(2)} (target >= 0.5)`);
  console.log(`lines/json ratio: ${(linesRate / ingestRate).toFixed(2)} (target >= 0.6)`);
  console.log(`ingest/copy ratio: ${(ingestRate / copyRate).toFixed(2)}`);
} finally {
  await server.stop();
}

// ---- XML envelopes (issue 11) -------------------------------------------------------------
// (Functions only: the run above reaches them before any const down here is initialised.)

/**
 * XML_FILES generated envelopes of 1,000 episodes each (src/xml/fixtures.ts:
 * base64 tables, drug and service lines, discharge and referral papers),
 * round-robin over the facilities, and one warm-up envelope per client, as the
 * JSON path has its warm-up batches. By default as many as BATCHES, so both
 * rates are over the same number of claims, ramp-up and drain included.
 */
function xmlEnvelopes(fs: { code: string }[], now: Date) {
  const make = (i: number, tag: string) => {
    const facility = fs[i % fs.length]!.code;
    return {
      facility,
      body: Buffer.from(
        fixtureEnvelope({
          seed: 1000 + i,
          facility,
          episodes: 1000,
          dischargedBefore: now,
          days: 3,
          prefix: `${tag}${i}-`,
        }),
      ),
    };
  };
  const count = Number(process.env.XML_FILES ?? BATCHES);
  return {
    warm: Array.from({ length: CLIENTS }, (_, i) => make(i, "W")),
    files: Array.from({ length: count }, (_, i) => make(i, "X")),
  };
}

/** One warm-up envelope per client, as the JSON path has its warm-up batches. */
async function benchXmlWarm(url: string, envelopes: ReturnType<typeof xmlEnvelopes>, keys: Map<string, string>) {
  await Promise.all(envelopes.warm.map((file) => postXml(url, file, keys)));
}

async function postXml(url: string, file: { facility: string; body: Buffer }, keys: Map<string, string>) {
  const { status, body: out } = await postBytes(
    `${url}/v1/batches/xml`,
    keys.get(file.facility)!,
    "application/xml",
    file.body,
  );
  if (status !== 201 || out.received !== 1000)
    throw new Error(`xml batch: ${status} ${JSON.stringify(out).slice(0, 300)}`);
}

/** Items from..to-1, in order, from CLIENTS concurrent clients. */
async function clients(from: number, to: number, post: (i: number) => Promise<void>) {
  let next = from;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < to; i = next++) await post(i);
    }),
  );
}

/** Seconds, service CPU and database CPU summed over the parts of one path's run. */
function newRun() {
  const run = {
    seconds: 0,
    serviceCpu: 0 as number | null,
    dbCpu: 0 as number | null,
    async time(dbUrl: string, pid: number | undefined, part: () => Promise<void>) {
      const db = await databaseCpu(dbUrl);
      const service = processCpu(pid);
      const started = performance.now();
      await part();
      run.seconds += (performance.now() - started) / 1000;
      const s = service();
      const d = await db.since();
      run.serviceCpu = run.serviceCpu === null || s === null ? null : run.serviceCpu + s;
      run.dbCpu = run.dbCpu === null || d === null ? null : run.dbCpu + d;
    },
  };
  return run;
}

/**
 * CPU clock ticks (1/100 s on Linux; all threads) a process of this machine has used, from /proc; null where
 * unreadable.
 */
function cpuTicks(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** CPU milliseconds a process uses from now until the returned function is called; null where /proc is not readable. */
function processCpu(pid: number | undefined): () => number | null {
  const before = pid === undefined ? null : cpuTicks(pid);
  return () => {
    const after = before === null ? null : cpuTicks(pid!);
    return before === null || after === null ? null : ((after - before) * 1000) / 100;
  };
}

/**
 * CPU milliseconds the database's server processes for this database use from
 * now until since() is called, read from /proc: only when PostgreSQL runs on
 * this machine and its processes are readable (else null). Backends that end
 * in between are not counted; the server's pool keeps its connections open.
 */
async function databaseCpu(url: string): Promise<{ since: () => Promise<number | null> }> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const pids = async () =>
    (
      await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    ).rows.map((r) => r.pid);
  // Readable only when the database runs here: checked on this connection's own server process.
  const own = (await admin.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
  const readable = cpuTicks(own) !== null;
  const before = new Map((await pids()).map((pid) => [pid, cpuTicks(pid) ?? 0]));
  return {
    async since() {
      const now = await pids();
      await admin.end();
      if (!readable) return null;
      // A process gone meanwhile (a connection just closed, still listed) counts nothing.
      const used = now.reduce((sum, pid) => sum + Math.max(0, (cpuTicks(pid) ?? 0) - (before.get(pid) ?? 0)), 0);
      return (used * 1000) / 100;
    },
  };
}
