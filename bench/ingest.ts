/**
 * npm run bench: end-to-end batch ingestion, on the embedded PGlite and on real PostgreSQL (DATABASE_URL), each
 * database in turn with servers of its own (BENCH_DATABASES=pglite,postgres picks them).
 *
 * On each database, first a server with the shipped rules, fed in turns (JSON FULL BASIC XML XML BASIC FULL JSON, half
 * of each at a time, so a drift in the machine's speed weighs on all alike):
 * - JSON: batches of 1,000 claims without lines;
 * - FULL: the same claims under new ids, each with LINES (20) cost lines as hospitals send them (a realistic mix:
 *   drugs, tests, imaging, an examination, bed days on a stay, supplies) with every field the XML tables give and
 *   automated assessment reads (order and execution times, staff, tenders, DON_GIA_BH): `lines/json ratio` (issue 20
 *   point 6, target >= 0.6);
 * - BASIC: the same with the fields of issue 20 only (item, name, cost group, quantity, price, amount, the fund's
 *   part), as JSON lines were sent before assessment: `basic lines/json ratio`;
 * - XML: Ministry of Health XML envelopes of 1,000 episodes (POST /v1/batches/xml, issue 11): `xml/json ratio`
 *   (target >= 0.5);
 * and on PostgreSQL, last, a raw COPY of the JSON claims' rows into a bare table of the claim table's shape (64 KB
 * blocks; the median of three runs): `ingest/copy ratio`.
 * Then two fresh servers side by side, each on a fresh database with the same facilities and the same catalogues
 * (drugs, supplies, services, staff: every item but one in 25, so some lines are not listed, and one line in 12 is
 * priced above its approved price), one with the shipped rules and one with every rule of rules/assessment.json
 * disabled (a RULES_DIR of its own): the same batches of FULL lines to each, in turns (ON OFF OFF ON):
 * `assessment ratio`, with assessment over without (issue 23 point 7, target >= 0.7).
 *
 * Prints claims/s, batch latency, the service's CPU per 1,000 claims (every thread; on PGlite the database's work is
 * in it) and PostgreSQL's when it runs on this machine, and last a summary of the ratios of both databases.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench
 *   BATCHES=20 CLIENTS=4 XML_FILES=20 LINES=20 ASSESSED_BATCHES=16 npm run bench   (the defaults)
 *   BENCH_DATABASES=pglite npm run bench          (PGlite only: DATABASE_URL not needed)
 *   BENCH_STEPS=assessment npm run bench          (the second step only; main for the first)
 *   BENCH_DATABASE=other_name npm run bench       (default: <database>_bench, and _on, _off: dropped and made afresh)
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { canonicalJson, sha256 } from "../src/domain/canonical.ts";
import { fixtureEnvelope } from "../src/demo/xml-envelope.ts";
import {
  catalogueFiles,
  type Facility,
  facilities,
  lineItems,
  type LineShape,
  makeBatches,
  type makeClaim,
  PROVINCES,
  rng,
  withLines,
} from "./data.ts";
import { freshDatabase, percentile, postBytes, startServer } from "./server.ts";

const BASE = process.env.DATABASE_URL;
const DATABASES = (process.env.BENCH_DATABASES ?? "pglite,postgres").split(",").map((name) => name.trim());
if (DATABASES.includes("postgres") && !BASE) {
  console.error("bench: set DATABASE_URL to a PostgreSQL server (a fresh database <name>_bench is made on it)");
  process.exit(1);
}
const BATCHES = Number(process.env.BATCHES ?? 20);
const CLIENTS = Number(process.env.CLIENTS ?? 4);
const SIZE = 1000;
const LINES = Number(process.env.LINES ?? 20);
const ASSESSED_BATCHES = Number(process.env.ASSESSED_BATCHES ?? 16);
const KEY = "bench-central-key-0123456789";
const PORT = Number(process.env.BENCH_PORT ?? 18787);

type Kind = "pglite" | "postgres";
type Server = Awaited<ReturnType<typeof startServer>>;
type Body = { facility: string; bytes: Buffer };

/** A database of each kind, fresh; `drop` removes what it made. */
async function database(
  kind: Kind,
  tag: string,
): Promise<{ env: Record<string, string | undefined>; drop: () => void }> {
  if (kind === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), `bhyt-bench-${tag}-`));
    // The server must not see the PostgreSQL URL this process was given: DATA_DIR alone means PGlite.
    return {
      env: { DATA_DIR: dir, DATABASE_URL: undefined },
      drop: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const base = process.env.BENCH_DATABASE ?? `${new URL(BASE!).pathname.slice(1) || "postgres"}_bench`;
  const name = tag === "main" ? base : `${base}_${tag}`;
  return { env: { DATABASE_URL: await freshDatabase(BASE!, name) }, drop: () => {} };
}

/** A RULES_DIR with the shipped rules but every rule of assessment.json disabled: assessment switched off. */
function rulesWithoutAssessment(): string {
  const dir = mkdtempSync(join(tmpdir(), "bhyt-bench-rules-"));
  cpSync("rules", dir, { recursive: true });
  const file = join(dir, "assessment.json");
  const rules = JSON.parse(readFileSync(file, "utf8"));
  for (const rule of rules.rules) rule.enabled = false;
  writeFileSync(file, JSON.stringify(rules, null, 2));
  return dir;
}

async function serve(kind: Kind, tag: string, port: number, extra: Record<string, string> = {}) {
  const db = await database(kind, tag);
  const server = await startServer({
    ...db.env,
    ...extra,
    BOOTSTRAP_CENTRAL_KEY: KEY,
    REASSESS_INTERVAL_SECONDS: "0",
    // On PGlite one batch holds the event loop for seconds, and on a shared host for longer: a socket whose headers
    // waited out the default 20 s behind it would be cut off (408, seen as EPIPE here), and one idle for 5 s while
    // the next step is set up would close under the next request. Neither is what the bench measures.
    HTTP_HEADERS_TIMEOUT_SECONDS: "300",
    HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: "300",
    PORT: String(port),
  });
  return {
    server,
    databaseUrl: kind === "postgres" ? db.env.DATABASE_URL! : null,
    async stop() {
      await server.stop();
      db.drop();
    },
  };
}

async function call(server: Server, path: string, body: unknown, method = "POST", key = KEY, type = "") {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": type || "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
}

/** Provinces with their estimates, the facilities, a key for each; catalogues when given. */
async function seed(server: Server, fs: Facility[], catalogues?: Record<string, string>) {
  for (const [code, name] of PROVINCES) {
    await call(server, `/v1/provinces/${code}`, { name }, "PUT");
    await call(server, `/v1/provinces/${code}/estimates/2026`, { amount: "5000000000000" }, "PUT");
  }
  const keys = new Map<string, string>();
  for (const f of fs) {
    await call(server, `/v1/facilities/${f.code}`, { name: `Bệnh viện ${f.code}` }, "PUT");
    keys.set(f.code, (await call(server, "/v1/keys", { role: "facility", scope: f.code, name: f.code })).key);
    for (const [kind, csv] of Object.entries(catalogues ?? {}))
      await call(server, `/v1/facilities/${f.code}/catalogues/${kind}`, csv, "PUT", KEY, "text/csv");
  }
  return keys;
}

/** JSON bodies of batches of 1,000 claims; with `lines`, each claim (under a new id) with that many cost lines. */
function jsonBodies(
  fs: Facility[],
  count: number,
  now: Date,
  seed: number,
  tag: string,
  lines = 0,
  shape: LineShape = "full",
): Body[] {
  const lineRng = rng(seed + 4);
  // Claim ids of their own for each kind of body, and for warm-up batches: no run corrects another's claims.
  const suffix = (tag.startsWith("warm") ? "-W" : "") + (lines ? (shape === "full" ? "-L" : "-B") : "");
  const claimOf = (c: ReturnType<typeof makeClaim>) => {
    const claim = suffix ? { ...c, claimId: `${c.claimId}${suffix}` } : c;
    return lines ? withLines(claim, lineRng, lines, shape) : claim;
  };
  return makeBatches(fs, count, SIZE, now, seed, tag).map((b) => ({
    facility: b.facility.code,
    bytes: Buffer.from(JSON.stringify({ ...b.body, claims: b.body.claims.map(claimOf) })),
  }));
}

interface Outcomes {
  created: number;
  corrected: number;
  unchanged: number;
  rejected: number;
  pending: number;
  findings: number;
}
const noOutcomes = (): Outcomes => ({ created: 0, corrected: 0, unchanged: 0, rejected: 0, pending: 0, findings: 0 });

/** Posts one JSON batch; adds its latency and outcomes when given where. */
async function postJson(url: string, keys: Map<string, string>, body: Body, into?: Outcomes, latencies?: number[]) {
  const t0 = performance.now();
  const { status, body: out } = await postBytes(
    `${url}/v1/batches`,
    keys.get(body.facility)!,
    "application/json",
    body.bytes,
  );
  if (status !== 201) throw new Error(`batch: ${status} ${JSON.stringify(out).slice(0, 300)}`);
  latencies?.push(performance.now() - t0);
  if (!into) return;
  into.created += out.received - out.rejected - out.corrected - out.unchanged;
  into.corrected += out.corrected;
  into.unchanged += out.unchanged;
  into.rejected += out.rejected;
  into.pending += out.pendingDocumentation;
  for (const claim of out.claims) into.findings += claim.assessment?.findings ?? 0;
}

/** One path's bodies, its timing and the outcomes its batches answered. */
function path(bodies: Body[], post: (body: Body, into: Outcomes) => Promise<void>, dbUrl: string | null, pid?: number) {
  const outcomes = noOutcomes();
  const run = newRun(dbUrl, pid);
  const half = Math.ceil(bodies.length / 2);
  const each = (i: number) => post(bodies[i]!, outcomes);
  return {
    outcomes,
    run,
    first: () => run.time(() => clients(0, half, each)),
    second: () => run.time(() => clients(half, bodies.length, each)),
    figures(items: number) {
      return { rate: items ? items / run.seconds : 0, seconds: run.seconds, ...run.cpu(items) };
    },
  };
}

/**
 * Step 1: JSON, LINES (full), BASIC lines and XML in turns on one server (JSON FULL BASIC XML XML BASIC FULL JSON, half
 * of each at a time), then COPY on PostgreSQL.
 */
async function mainRuns(kind: Kind) {
  const fs = facilities(10);
  const now = new Date();
  // Everything is made before the first request: a pause between requests lets the server drop kept-alive sockets.
  const envelopes = xmlEnvelopes(fs, now);
  const warm = jsonBodies(fs, CLIENTS, now, 7, "warm");
  const bodies = jsonBodies(fs, BATCHES, now, 1, "");
  // LINES=0 leaves the lined runs out (the figures as before lines existed).
  const fullBodies = LINES ? jsonBodies(fs, BATCHES, now, 1, "lines", LINES) : [];
  const basicBodies = LINES ? jsonBodies(fs, BATCHES, now, 1, "basic", LINES, "basic") : [];
  const { server, databaseUrl, stop } = await serve(kind, "main", PORT);
  try {
    const keys = await seed(server, fs);
    await Promise.all(warm.map((body) => postJson(server.url, keys, body)));
    await Promise.all(envelopes.warm.map((file) => postXml(server.url, file, keys)));

    const latencies: number[] = [];
    const pid = server.child.pid;
    const json = path(bodies, (body, into) => postJson(server.url, keys, body, into, latencies), databaseUrl, pid);
    const full = path(fullBodies, (body, into) => postJson(server.url, keys, body, into), databaseUrl, pid);
    const basic = path(basicBodies, (body, into) => postJson(server.url, keys, body, into), databaseUrl, pid);
    const xmlFiles = envelopes.files.map((file) => ({ facility: file.facility, bytes: file.body }));
    const xml = path(
      xmlFiles,
      (file) => postXml(server.url, { facility: file.facility, body: file.bytes }, keys),
      databaseUrl,
      pid,
    );
    for (const step of [json.first, full.first, basic.first, xml.first, xml.second, basic.second, full.second])
      await step();
    await json.second();
    const claims = BATCHES * SIZE;
    const copy = databaseUrl ? await copyRun(databaseUrl, bodies, now) : null;
    return {
      json: json.figures(claims),
      lines: { ...full.figures(fullBodies.length * SIZE), findings: full.outcomes.findings },
      basic: basic.figures(basicBodies.length * SIZE),
      xml: {
        ...xml.figures(envelopes.files.length * 1000),
        files: envelopes.files.length,
        bytes: envelopes.files.reduce((n, f) => n + f.body.byteLength, 0),
      },
      latencies: latencies.sort((a, b) => a - b),
      outcomes: json.outcomes,
      copy,
    };
  } finally {
    await stop();
  }
}

/**
 * Step 2: two fresh servers with the same facilities and catalogues, assessment on and off, the same lined batches
 * to each in turns (ON OFF OFF ON, half at a time).
 */
async function assessmentRuns(kind: Kind) {
  const fs = facilities(3);
  const now = new Date();
  const catalogues = catalogueFiles(lineItems());
  const warm = jsonBodies(fs, CLIENTS, now, 17, "warm-assessed", LINES || 20);
  const bodies = jsonBodies(fs, ASSESSED_BATCHES, now, 3, "assessed", LINES || 20);
  const rulesDir = rulesWithoutAssessment();
  const on = await serve(kind, "on", PORT + 1);
  const off = await serve(kind, "off", PORT + 2, { RULES_DIR: rulesDir }).catch(async (err) => {
    await on.stop();
    throw err;
  });
  try {
    const onKeys = await seed(on.server, fs, catalogues);
    const offKeys = await seed(off.server, fs, catalogues);
    await Promise.all(warm.map((body) => postJson(on.server.url, onKeys, body)));
    await Promise.all(warm.map((body) => postJson(off.server.url, offKeys, body)));
    const onOutcomes = noOutcomes();
    const offOutcomes = noOutcomes();
    const onRun = newRun(on.databaseUrl, on.server.child.pid);
    const offRun = newRun(off.databaseUrl, off.server.child.pid);
    const postOn = (i: number) => postJson(on.server.url, onKeys, bodies[i]!, onOutcomes);
    const postOff = (i: number) => postJson(off.server.url, offKeys, bodies[i]!, offOutcomes);
    const half = Math.ceil(bodies.length / 2);
    await onRun.time(() => clients(0, half, postOn));
    await offRun.time(() => clients(0, half, postOff));
    await offRun.time(() => clients(half, bodies.length, postOff));
    await onRun.time(() => clients(half, bodies.length, postOn));
    const claims = bodies.length * SIZE;
    return {
      on: { rate: claims / onRun.seconds, ...onRun.cpu(claims), outcomes: onOutcomes },
      off: { rate: claims / offRun.seconds, ...offRun.cpu(claims), outcomes: offOutcomes },
    };
  } finally {
    await on.stop();
    await off.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  }
}

/** The same rows as the JSON run's through COPY into a bare table of the claim table's shape. */
async function copyRun(dbUrl: string, bodies: Body[], now: Date) {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const esc = (v: unknown) =>
    v === null || v === undefined
      ? "\\N"
      : String(v).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");
  const arr = (xs: string[]) => `{${xs.map((x) => `"${x}"`).join(",")}}`;
  let id = 0;
  const lines = bodies.flatMap((b) =>
    JSON.parse(b.bytes.toString("utf8")).claims.map((c: any) => {
      const d = new Date(c.dischargedAt);
      const row = [
        ++id,
        b.facility,
        c.claimId,
        b.facility.slice(0, 2),
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
        // referral_paper, warnings, cost_split, lines; those added after take their defaults.
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
  // The row's columns are the table's first ones; columns later migrations add take their defaults.
  const columns = (
    await client.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'claim' AND table_schema =
       current_schema() ORDER BY ordinal_position`,
    )
  ).rows
    .slice(0, lines[0]!.split("\t").length)
    .map((row) => `"${row.name}"`);
  const runs: { seconds: number; dbCpu: number | null }[] = [];
  for (let run = 0; run < 3; run++) {
    await client.query(
      "DROP TABLE IF EXISTS bench_claim_copy; CREATE TABLE bench_claim_copy (LIKE claim INCLUDING DEFAULTS)",
    );
    const copyCpu = await databaseCpu(dbUrl);
    const started = performance.now();
    await pipeline(
      Readable.from(blocks),
      client.query(copyFrom(`COPY bench_claim_copy (${columns.join(", ")}) FROM STDIN`)),
    );
    runs.push({ seconds: (performance.now() - started) / 1000, dbCpu: await copyCpu.since() });
  }
  await client.end();
  const median = [...runs].sort((a, b) => a.seconds - b.seconds)[1]!;
  return { rate: lines.length / median.seconds, rows: lines.length, runs, dbCpu: median.dbCpu };
}

const f = (n: number) => Math.round(n).toLocaleString("en-US");
const per1000 = (ms: number | null) => (ms === null ? "n/a" : `${ms.toFixed(1)} ms`);

function printMain(kind: Kind, main: Awaited<ReturnType<typeof mainRuns>>) {
  const { outcomes, json, lines, xml, copy } = main;
  console.log(`batches: ${BATCHES} x ${SIZE} claims from ${CLIENTS} concurrent clients`);
  console.log(
    `outcomes: created ${f(outcomes.created)}, corrected ${f(outcomes.corrected)}, rejected ${f(outcomes.rejected)}, ` +
      `pending documentation ${f(outcomes.pending)}`,
  );
  console.log(`ingest over HTTP: ${f(json.rate)} claims/s (${json.seconds.toFixed(2)} s)`);
  console.log(
    `1,000-claim batch latency: p50 ${f(percentile(main.latencies, 50))} ms, ` +
      `p99 ${f(percentile(main.latencies, 99))} ms`,
  );
  if (copy) {
    const seconds = copy.runs.map((r) => r.seconds.toFixed(2)).join(", ");
    console.log(`COPY into bare table: ${f(copy.rate)} rows/s (median of ${seconds} s)`);
    // What the database itself spends: the floor under the ratio, whatever the service does in front of it.
    if (json.dbCpu !== null && copy.dbCpu !== null)
      console.log(
        `PostgreSQL CPU per 1,000 rows: ingest ${per1000(json.dbCpu)}, COPY ` +
          `${per1000(copy.dbCpu / (copy.rows / 1000))}`,
      );
  }
  console.log(
    `xml ingest over HTTP: ${f(xml.rate)} episodes/s (${xml.files} envelopes of 1,000 episodes, ` +
      `${(xml.bytes / xml.files / 1024 / 1024).toFixed(1)} MB each)`,
  );
  // The service's own CPU (every thread: the one that stores, the XML reading thread, the garbage collector's) and
  // PostgreSQL's: what the ratio follows on two cores, and steadier than the rates on a shared host.
  console.log(`service CPU per 1,000: json ${per1000(json.serviceCpu)}, xml ${per1000(xml.serviceCpu)}`);
  if (kind === "postgres") console.log(`PostgreSQL CPU per 1,000 in the XML run: ${per1000(xml.dbCpu)}`);
  const lined = (what: string, run: typeof lines | typeof main.basic) =>
    console.log(
      `json with ${LINES} ${what} lines a claim: ${f(run.rate)} claims/s; service CPU per 1,000 ` +
        `${per1000(run.serviceCpu)}` +
        (kind === "postgres" ? `, PostgreSQL ${per1000(run.dbCpu)}` : ""),
    );
  lined("full", lines);
  lined("basic", main.basic);
}

function printAssessment(kind: Kind, runs: Awaited<ReturnType<typeof assessmentRuns>>) {
  const side = (name: string, run: typeof runs.on) =>
    console.log(
      `${name}: ${f(run.rate)} claims/s; service CPU per 1,000 ${per1000(run.serviceCpu)}` +
        (kind === "postgres" ? `, PostgreSQL ${per1000(run.dbCpu)}` : "") +
        `; findings ${f(run.outcomes.findings)} in ${f(run.outcomes.created + run.outcomes.corrected)} claims written`,
    );
  console.log(`lines + catalogues, ${ASSESSED_BATCHES} x ${SIZE} claims of ${LINES || 20} lines:`);
  side("  without assessment", runs.off);
  side("  with assessment", runs.on);
}

const summary: string[] = [];
// BENCH_STEPS=assessment runs only the second step (main only the first): for profiling one of them.
const STEPS = (process.env.BENCH_STEPS ?? "main,assessment").split(",");
for (const kind of DATABASES as Kind[]) {
  const label = kind === "pglite" ? "PGlite" : "PostgreSQL";
  console.log(`\n== ${label} ==`);
  const main = STEPS.includes("main") ? await mainRuns(kind) : null;
  if (main) printMain(kind, main);
  const assessed = STEPS.includes("assessment") ? await assessmentRuns(kind) : null;
  if (assessed) printAssessment(kind, assessed);
  if (!main || !assessed) continue;
  const lines = [
    `${label}: json ${f(main.json.rate)}, json with full lines ${f(main.lines.rate)} claims/s: ` +
      `lines/json ratio ${(main.lines.rate / main.json.rate).toFixed(2)} (target >= 0.6)`,
    `${label}: json ${f(main.json.rate)}, json with basic lines ${f(main.basic.rate)} claims/s: ` +
      `basic lines/json ratio ${(main.basic.rate / main.json.rate).toFixed(2)}`,
    `${label}: lines + catalogues without assessment ${f(assessed.off.rate)}, with ${f(assessed.on.rate)} claims/s: ` +
      `assessment ratio ${(assessed.on.rate / assessed.off.rate).toFixed(2)} (target >= 0.7)`,
    `${label}: xml ${f(main.xml.rate)} episodes/s: xml/json ratio ${(main.xml.rate / main.json.rate).toFixed(2)} ` +
      `(target >= 0.5)` +
      (main.copy ? `; ingest/copy ratio ${(main.json.rate / main.copy.rate).toFixed(2)}` : ""),
  ];
  for (const line of lines) console.log(line);
  summary.push(...lines);
}
console.log("\n== summary ==");
for (const line of summary) console.log(line);

// ---- helpers -------------------------------------------------------------------------------
// (Functions only: the run above reaches them before any const down here is initialised.)

/**
 * XML_FILES generated envelopes of 1,000 episodes each (src/demo/xml-envelope.ts: base64 tables, drug and service
 * lines, discharge and referral papers), round-robin over the facilities, and one warm-up envelope per client, as
 * the JSON path has its warm-up batches. By default as many as BATCHES, so both rates are over the same number of
 * claims, ramp-up and drain included.
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

/**
 * Seconds, service CPU and database CPU summed over the parts of one path's run. Database CPU only on PostgreSQL
 * (PGlite's work is the service's own).
 */
function newRun(dbUrl: string | null, pid: number | undefined) {
  let serviceCpu = 0 as number | null;
  let dbCpu = (dbUrl ? 0 : null) as number | null;
  const run = {
    seconds: 0,
    async time(part: () => Promise<void>) {
      const db = dbUrl ? await databaseCpu(dbUrl) : null;
      const service = processCpu(pid);
      const started = performance.now();
      await part();
      run.seconds += (performance.now() - started) / 1000;
      const s = service();
      const d = db ? await db.since() : null;
      serviceCpu = serviceCpu === null || s === null ? null : serviceCpu + s;
      dbCpu = dbCpu === null || d === null ? null : dbCpu + d;
    },
    /** CPU ms per 1,000 items. */
    cpu(items: number) {
      const per = (ms: number | null) => (ms === null ? null : ms / (items / 1000));
      return { serviceCpu: per(serviceCpu), dbCpu: per(dbCpu) };
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
