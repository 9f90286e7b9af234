/**
 * npm run bench:reports: the inspection reports as the claims of a year grow
 * (issue #21: reads that do not grow with history). Makes a fresh database
 * <name>_reports on the PostgreSQL server DATABASE_URL names, starts the real
 * server on it (which migrates it), then for each size in CLAIMS (default
 * 1,000,000 then 4,000,000, in the same run): loads generated claims of the
 * current year straight into the claim table up to that size with INSERT ...
 * SELECT FROM generate_series (realistic spreads: 34 provinces, 1,020
 * facilities of very different sizes, four visit types with log-normal
 * amounts, most claims within a day and a long tail of late ones, a few slow
 * facilities and a few expensive ones, pending, approved and denied claims,
 * the flags ingestion would set), builds every aggregate the reports read
 * from the claims with the definitions src/spending/sql.ts exports (the SQL
 * twins the invariant tests hold equal to what ingestion keeps), and times
 * each report over HTTP: the median of RUNS runs after one warm-up. Last, a
 * table of each report at both sizes with the ratio. Targets: at the largest
 * size every report within 1.5 times its time at the smallest, and under
 * 500 ms.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench:reports
 *   CLAIMS=250000,1000000 RUNS=5 npm run bench:reports
 */
import pg from "pg";
import {
  DELAYS_FROM_CLAIMS,
  DETAIL_FROM_CLAIMS,
  PENDING_AGE_FROM_CLAIMS,
  PENDING_FROM_CLAIMS,
  TALLY_FROM_CLAIMS,
  TRIANGLE_FROM_CLAIMS,
} from "../src/spending/sql.ts";
import { freshDatabase, startServer } from "./server.ts";

const BASE = process.env.DATABASE_URL;
if (!BASE) {
  console.error(
    "bench:reports: set DATABASE_URL to a PostgreSQL server (a fresh database <name>_reports is made on it)",
  );
  process.exit(1);
}
const SIZES = (process.env.CLAIMS ?? "1000000,4000000").split(",").map(Number);
const RUNS = Number(process.env.RUNS ?? 5);
const CHUNK = 250_000;
const KEY = "bench-reports-central-key-0123456789";

/** The 34 provinces after the 2025 merger (codes as issued). */
const PROVINCES = [
  "01",
  "04",
  "08",
  "11",
  "12",
  "14",
  "15",
  "19",
  "20",
  "22",
  "24",
  "25",
  "31",
  "33",
  "37",
  "38",
  "40",
  "42",
  "44",
  "46",
  "48",
  "51",
  "52",
  "56",
  "66",
  "68",
  "75",
  "79",
  "80",
  "82",
  "86",
  "91",
  "92",
  "96",
];
const FACILITIES_PER_PROVINCE = 30;

const now = new Date();
const year = new Date(now.getTime() + 7 * 3600_000).getUTCFullYear();
const yearStart = new Date(Date.UTC(year, 0, 1) - 7 * 3600_000);

const dbName = `${new URL(BASE).pathname.slice(1) || "postgres"}_reports`;
const dbUrl = await freshDatabase(BASE, dbName);
const server = await startServer({
  DATABASE_URL: dbUrl,
  BOOTSTRAP_CENTRAL_KEY: KEY,
  PORT: process.env.BENCH_PORT ?? "18788",
});
const client = new pg.Client({ connectionString: dbUrl });
await client.connect();
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);
/** The generate_series number the next claim is made from: claim ids stay unique from one size to the next. */
let nextClaim = 1;

try {
  await reference();
  const timings: Map<string, number>[] = [];
  for (const size of SIZES) {
    await load(size);
    await aggregates();
    timings.push(await time());
  }
  compare(timings);
} finally {
  await client.end();
  await server.stop();
}

/** Each report at every size, and at the largest against the smallest. */
function compare(timings: Map<string, number>[]) {
  if (timings.length < 2) return;
  const first = timings[0]!;
  const last = timings.at(-1)!;
  const sizes = SIZES.map((n) => `${(n / 1e6).toLocaleString("en-US")}M`);
  console.log(`\n${"report".padEnd(46)} ${sizes.map((s) => s.padStart(9)).join("")}   ratio`);
  let ok = true;
  for (const [name] of first) {
    const ratio = last.get(name)! / first.get(name)!;
    const pass = ratio <= 1.5 && last.get(name)! < 500;
    ok &&= pass;
    console.log(
      `${name.padEnd(46)} ${timings.map((t) => `${Math.round(t.get(name)!)} ms`.padStart(9)).join("")}   ` +
        `${ratio.toFixed(2)}${pass ? "" : "  OVER TARGET"}`,
    );
  }
  console.log(`reports flat (largest <= 1.5x smallest, each under 500 ms): ${ok ? "yes" : "no"}`);
}

/** Provinces, facilities with a size, a cost factor (1% cost three times their peers) and a pace (5% slow). */
async function reference() {
  // The bench vacuums and analyses after each load itself: autovacuum waking on millions of new rows during the
  // timings would weigh on one size and not the other.
  // The claim tables are partitioned by year: the setting is each partition's.
  const partitions = await client.query<{ name: string }>(
    `SELECT i.inhrelid::regclass::text AS name FROM pg_inherits i
     WHERE i.inhparent IN ('claim'::regclass, 'claim_document'::regclass, 'claim_history'::regclass)`,
  );
  for (const { name } of partitions.rows) await client.query(`ALTER TABLE ${name} SET (autovacuum_enabled = false)`);
  await client.query(`INSERT INTO province (code, name) SELECT p, 'Tỉnh ' || p FROM unnest($1::text[]) AS p`, [
    PROVINCES,
  ]);
  await client.query(
    `INSERT INTO facility (code, name, province_code)
     SELECT p || lpad(i::text, 3, '0'), 'Cơ sở KCB ' || p || lpad(i::text, 3, '0'), p
     FROM unnest($1::text[]) AS p, generate_series(1, $2::int) AS i`,
    [PROVINCES, FACILITIES_PER_PROVINCE],
  );
  await client.query(`
    CREATE TEMP TABLE fac AS
    SELECT row_number() OVER (ORDER BY random()) - 1 AS i, code, province_code,
           random() < 0.05 AS slow,
           CASE WHEN random() < 0.01 THEN 3.0 ELSE exp(0.15 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))
             END AS factor
    FROM facility`);
  await client.query(`CREATE UNIQUE INDEX ON fac (i)`);
}

async function load(target: number) {
  const t0 = performance.now();
  let loaded = Number((await client.query(`SELECT count(*)::int AS n FROM claim`)).rows[0].n);
  // Claims, in chunks. Facility picked with a skew (random()^1.6: the first facilities are the big hospitals).
  const nfac = PROVINCES.length * FACILITIES_PER_PROVINCE;
  const span = (now.getTime() - yearStart.getTime()) / 1000;
  for (; loaded < target; nextClaim += CHUNK) {
    const lo = nextClaim;
    const hi = lo + CHUNK - 1;
    const res = await client.query(
      `
      INSERT INTO claim (facility_code, claim_id, province_code, year, month, visit_type, admitted_at, discharged_at,
        received_at,
        card_number, citizen_id, patient_name, birth_date, gender, diagnosis_primary, diagnosis_secondary,
        referral, procedure, died, total_amount, insurance_amount, patient_amount, other_amount, approved_amount,
        status, missing_documents, flags, pending_since, content_hash, batch_ref, decided_at, created_at, updated_at)
      SELECT f.code, 'BN' || s.g, f.province_code,
             extract(year FROM (s.discharged AT TIME ZONE 'UTC') + interval '7 hours')::int,
             extract(month FROM (s.discharged AT TIME ZONE 'UTC') + interval '7 hours')::int,
             v.vt::"VisitType",
             s.discharged - CASE WHEN v.vt = 'inpatient' THEN (1 + floor(s.r_stay * 10)) * interval '1 day' ELSE (1 +
               floor(s.r_stay * 4)) * interval '1 hour' END,
             s.discharged, s.discharged + d.hours * interval '1 hour',
             'DN4' || f.province_code || lpad((s.g % 10000000000)::text, 10, '0'),
             '0' || f.province_code || (CASE WHEN p.birth >= 2000 THEN 2 ELSE 0 END + CASE WHEN p.female THEN 1 ELSE 0
               END)::text || lpad((p.birth % 100)::text, 2, '0') || lpad((s.g % 1000000)::text, 6, '0'),
             'Nguyễn Văn A', p.birth || '-0' || (1 + s.g % 9) || '-1' || (s.g % 10),
             CASE WHEN p.female <> (s.r_mismatch < 0.003) THEN 'female' ELSE 'male' END,
             (ARRAY['J18.9','E11','I10','K29.7','A09','M54.5','N39.0','J06.9'])[1 + s.g % 8], ARRAY['E11'],
             false, v.vt = 'inpatient' AND s.r_stay < 0.2, false,
             a.amount + a.copay, a.amount, a.copay, 0,
             CASE WHEN st.status = 'approved' THEN round(a.amount * 0.9, -3) END,
             st.status::"ClaimStatus", CASE WHEN st.status = 'pending_documentation' THEN ARRAY['discharge_paper'] ELSE
               ARRAY[]::text[] END,
             array_remove(ARRAY[
               CASE WHEN d.hours > 24 THEN 'late_submission' END,
               CASE WHEN s.r_dup < CASE WHEN f.factor > 2 THEN 0.03 ELSE 0.005 END THEN 'possible_duplicate' END,
               CASE WHEN s.r_oop < 0.12 THEN 'out_of_province' END,
               CASE WHEN s.r_mismatch < 0.003 THEN 'citizen_id_mismatch' END], NULL),
             CASE WHEN st.status = 'pending_documentation' THEN s.discharged + d.hours * interval '1 hour' END,
             md5(s.g::text) || md5((s.g + 1)::text), 0,
             CASE WHEN st.status IN ('approved', 'denied') THEN s.discharged + (d.hours + 240) * interval '1 hour' END,
             $4::timestamptz, $4::timestamptz
      FROM (
        SELECT g, floor(power(random(), 1.6) * $3)::int AS fi,
               $5::timestamptz + random() * $6 * interval '1 second' AS discharged,
               random() AS r_vt, random() AS r_a1, random() AS r_a2, random() AS r_d1, random() AS r_d2, random() AS
                 r_stay,
               random() AS r_status, random() AS r_dup, random() AS r_oop, random() AS r_mismatch, random() AS r_birth,
                 random() AS r_sex
        FROM generate_series($1::bigint, $2::bigint) AS g
      ) s
      JOIN fac f ON f.i = s.fi
      CROSS JOIN LATERAL (SELECT CASE WHEN s.r_vt < 0.70 THEN 'outpatient' WHEN s.r_vt < 0.80 THEN 'emergency' WHEN
        s.r_vt < 0.88 THEN 'day_treatment' ELSE 'inpatient' END AS vt) v
      CROSS JOIN LATERAL (
        -- hours from discharge to receipt: most within a day, then 1-7 days, 7-60 days, 60-200 days; slow
        -- facilities late far more often
        SELECT CASE WHEN s.r_d1 < CASE WHEN f.slow THEN 0.55 ELSE 0.86 END THEN 0.5 + s.r_d2 * 23.4
                    WHEN s.r_d1 < CASE WHEN f.slow THEN 0.85 ELSE 0.96 END THEN 24 + s.r_d2 * 144
                    WHEN s.r_d1 < 0.993 THEN 168 + s.r_d2 * 1272
                    ELSE 1440 + s.r_d2 * 3360 END AS hours) d
      CROSS JOIN LATERAL (
        -- log-normal insured amount around a median per visit type, times the
        -- facility's cost factor, in thousands of VND
        SELECT (round(exp(ln(CASE v.vt WHEN 'outpatient' THEN 300 WHEN 'emergency' THEN 800 WHEN 'day_treatment' THEN
          1200 ELSE 5000 END)
                          + 0.6 * sqrt(-2 * ln(1 - s.r_a1)) * cos(2 * pi() * s.r_a2)) * f.factor) *
                            1000)::numeric(18,2) AS amount,
               (floor(s.r_a1 * 50) * 1000)::numeric(18,2) AS copay) a
      CROSS JOIN LATERAL (SELECT 1940 + floor(s.r_birth * 85)::int AS birth, s.r_sex < 0.5 AS female) p
      CROSS JOIN LATERAL (SELECT CASE WHEN s.r_status < 0.04 THEN 'pending_documentation' WHEN s.r_status < 0.045 THEN
        'denied'
                                      WHEN s.r_status < 0.06 THEN 'approved' ELSE 'accepted' END AS status) st
      -- not yet arrived: a claim discharged lately with a long delay is still on its way
      WHERE s.discharged + d.hours * interval '1 hour' <= $4::timestamptz
      LIMIT $7`,
      [lo, hi, nfac, now.toISOString(), yearStart.toISOString(), span, target - loaded],
    );
    loaded += res.rowCount ?? 0;
    process.stdout.write(`\rclaims loaded: ${loaded.toLocaleString("en-US")} (${seconds(t0)} s)`);
  }
  console.log();
}

async function aggregates() {
  // The aggregates ingestion keeps, from the claims by the definitions src/spending/sql.ts exports; estimates near
  // each province's pace.
  const t0 = performance.now();
  await client.query(
    `TRUNCATE spending, spending_detail, arrival_triangle, claim_tally, receipt_delay, pending_tally, pending_age, ` +
      `estimate_adjustment, estimate, alert CASCADE`,
  );
  // What the periodic marking would have marked: claims pending documentation for 30 days.
  await client.query(
    `UPDATE claim SET stuck = true, stuck_at = $1 WHERE status = 'pending_documentation' AND NOT stuck ` +
      `AND pending_since <= $1::timestamptz - interval '30 days'`,
    [now.toISOString()],
  );
  await client.query(
    `INSERT INTO spending_detail (province_code, year, month, facility_code, spent, pending_amount, claim_count) ` +
      DETAIL_FROM_CLAIMS,
  );
  await client.query(`
    INSERT INTO spending (province_code, year, spent, pending_amount, claim_count)
    SELECT province_code, year, sum(spent), sum(pending_amount), sum(claim_count) FROM spending_detail GROUP BY 1, 2`);
  await client.query(
    `INSERT INTO arrival_triangle (province_code, year, discharge_month, delay_months, amount, claim_count) ` +
      `${TRIANGLE_FROM_CLAIMS}`,
  );
  await client.query(
    `INSERT INTO claim_tally (province_code, year, month, facility_code, visit_type, claims, claimed, late, ` +
      `mismatches, duplicates) ${TALLY_FROM_CLAIMS}`,
  );
  await client.query(
    `INSERT INTO receipt_delay (province_code, year, month, facility_code, claims) ${DELAYS_FROM_CLAIMS}`,
  );
  await client.query(
    `INSERT INTO pending_tally (province_code, year, facility_code, stuck, missing, claims, amount) ` +
      PENDING_FROM_CLAIMS,
  );
  await client.query(
    `INSERT INTO pending_age (province_code, year, since_day, stuck, claims, amount) ${PENDING_AGE_FROM_CLAIMS}`,
  );
  await client.query(
    `
    INSERT INTO estimate (province_code, year, initial_amount, total_amount)
    SELECT e.province_code, e.year, e.amount, e.amount
    FROM (SELECT province_code, year, round(spent / $1::numeric * (0.85 + random() * 0.3)::numeric, -6) AS amount FROM
      spending) e`,
    [String((now.getTime() - yearStart.getTime()) / (365 * 86_400_000))],
  );
  await client.query("VACUUM ANALYZE");
  // The load's writes flushed before the clock starts, so the sizes are timed on a machine equally at rest.
  await client.query("CHECKPOINT");
  const [{ n, size }] = (
    await client.query(`SELECT count(*)::int AS n, pg_size_pretty(pg_total_relation_size('claim')) AS size FROM claim`)
  ).rows;
  console.log(
    `aggregates built and analysed in ${seconds(t0)} s; claim table ${size} for ${n.toLocaleString("en-US")} claims ` +
      `of ${year}`,
  );
}

/** Each report over HTTP: one warm-up, then the median of RUNS; returns the medians by report. */
async function time(): Promise<Map<string, number>> {
  const reports: [string, string, string?][] = [
    ["late submissions, national", `/v1/reports/late-submissions?year=${year}`],
    ["late submissions, national, CSV", `/v1/reports/late-submissions?year=${year}`, "text/csv"],
    ["late submissions, one province", `/v1/reports/late-submissions?year=${year}&province=79`],
    ["late submissions, one month", `/v1/reports/late-submissions?year=${year}&month=6`],
    ["outliers, national", `/v1/reports/outliers?year=${year}`],
    ["outliers, national, every facility, CSV", `/v1/reports/outliers?year=${year}&list=all`, "text/csv"],
    ["outliers, one province", `/v1/reports/outliers?year=${year}&province=79`],
    ["outliers, one visit type", `/v1/reports/outliers?year=${year}&visitType=inpatient`],
    ["backlog, national", `/v1/backlog?year=${year}`],
    ["backlog, one province", `/v1/backlog?year=${year}&province=79`],
    ["projection, one province", `/v1/provinces/79/projection?year=${year}`],
    ["usage, every province (projection included)", `/v1/usage?year=${year}`],
  ];
  const medians = new Map<string, number>();
  for (const [name, path, accept] of reports) {
    const times: number[] = [];
    let bytes = 0;
    let summary = "";
    for (let i = 0; i <= RUNS; i++) {
      const started = performance.now();
      const res = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${KEY}`, accept: accept ?? "application/json" },
      });
      const body = await res.text();
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
      if (i > 0) times.push(ms);
      bytes = Buffer.byteLength(body);
      if (!accept) {
        const json = JSON.parse(body);
        summary = json.facilities
          ? `${json.facilities.length} rows`
          : json.byFacility
            ? `${json.count} stuck claims, ${json.byFacility.length} facilities`
            : json.provinces
              ? `${json.provinces.length} provinces`
              : `method ${json.method}, projected ratio ${json.projectedRatio}`;
      } else summary = `${body.split("\r\n").length - 2} lines`;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    medians.set(name, median);
    console.log(
      `${name.padEnd(46)} ${String(Math.round(median)).padStart(6)} ms  (min ${Math.round(times[0]!)}, max ` +
        `${Math.round(times.at(-1)!)}; ${summary}, ${(bytes / 1024).toFixed(0)} KiB)`,
    );
  }
  return medians;
}
