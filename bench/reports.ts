/**
 * npm run bench:reports: the inspection reports on a national year of claims.
 * Makes a fresh database <name>_reports on the PostgreSQL server DATABASE_URL
 * names, starts the real server on it (which migrates it), loads CLAIMS
 * (default 2,000,000) generated claims of the current year straight into the
 * claim table with INSERT ... SELECT FROM generate_series (realistic spreads:
 * 34 provinces, 1,020 facilities of very different sizes, four visit types
 * with log-normal amounts, most claims within a day and a long tail of late
 * ones, a few slow facilities and a few expensive ones, pending, approved and
 * denied claims, the flags ingestion would set), builds the aggregates
 * ingestion keeps (spending, spending_detail, arrival_triangle) with the same
 * set-based definitions, then times each report over HTTP: the median of
 * RUNS runs after one warm-up, with its size. Target: under 1 s each.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench:reports
 *   CLAIMS=500000 RUNS=5 npm run bench:reports
 *   REUSE=1 npm run bench:reports   # keep the database of the last run if it holds CLAIMS claims
 */
import pg from "pg";
import { TRIANGLE_FROM_CLAIMS } from "../src/spending/sql.ts";
import { freshDatabase, startServer } from "./server.ts";

const BASE = process.env.DATABASE_URL;
if (!BASE) {
  console.error(
    "bench:reports: set DATABASE_URL to a PostgreSQL server (a fresh database <name>_reports is made on it)",
  );
  process.exit(1);
}
const CLAIMS = Number(process.env.CLAIMS ?? 2_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
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
const reuse = process.env.REUSE === "1" && (await existingClaims(BASE, dbName)) >= CLAIMS;
const dbUrl = reuse ? withDatabase(BASE, dbName) : await freshDatabase(BASE, dbName);
const server = await startServer({
  DATABASE_URL: dbUrl,
  BOOTSTRAP_CENTRAL_KEY: KEY,
  PORT: process.env.BENCH_PORT ?? "18788",
});
const client = new pg.Client({ connectionString: dbUrl });
await client.connect();
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

function withDatabase(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Claims in the database of an earlier run, 0 when there is none. */
async function existingClaims(baseUrl: string, name: string): Promise<number> {
  const c = new pg.Client({ connectionString: withDatabase(baseUrl, name) });
  try {
    await c.connect();
    return (await c.query(`SELECT count(*)::int AS n FROM claim`)).rows[0].n;
  } catch {
    return 0;
  } finally {
    await c.end().catch(() => {});
  }
}

try {
  if (!reuse) await load();
  await aggregates();
  await time();
} finally {
  await client.end();
  await server.stop();
}

async function load() {
  // 1. Reference data: provinces, facilities with a size, a cost factor (1% cost three times their peers) and a pace
  // (5% slow).
  const t0 = performance.now();
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

  // 2. Claims, in chunks. Facility picked with a skew (random()^1.6: the first facilities are the big hospitals).
  const nfac = PROVINCES.length * FACILITIES_PER_PROVINCE;
  const span = (now.getTime() - yearStart.getTime()) / 1000;
  let loaded = 0;
  for (let lo = 1; loaded < CLAIMS; lo += CHUNK) {
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
        -- hours from discharge to receipt: most within a day, then 1-7 days, 7-60 days, 60-200 days; slow facilities
          late far more often
        SELECT CASE WHEN s.r_d1 < CASE WHEN f.slow THEN 0.55 ELSE 0.86 END THEN 0.5 + s.r_d2 * 23.4
                    WHEN s.r_d1 < CASE WHEN f.slow THEN 0.85 ELSE 0.96 END THEN 24 + s.r_d2 * 144
                    WHEN s.r_d1 < 0.993 THEN 168 + s.r_d2 * 1272
                    ELSE 1440 + s.r_d2 * 3360 END AS hours) d
      CROSS JOIN LATERAL (
        -- log-normal insured amount around a median per visit type, times the
          facility's cost factor, in thousands of VND
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
      [lo, hi, nfac, now.toISOString(), yearStart.toISOString(), span, CLAIMS - loaded],
    );
    loaded += res.rowCount ?? 0;
    process.stdout.write(`\rclaims loaded: ${loaded.toLocaleString("en-US")} (${seconds(t0)} s)`);
  }
  console.log();
}

async function aggregates() {
  // 3. The aggregates ingestion keeps, by the same definitions; estimates near each province's pace.
  const t0 = performance.now();
  await client.query(
    `TRUNCATE spending, spending_detail, arrival_triangle, estimate_adjustment, estimate, alert CASCADE`,
  );
  const counted =
    `CASE WHEN c.status = 'denied' THEN 0 WHEN c.status = 'approved' AND c.approved_amount IS NOT NULL ` +
    `THEN c.approved_amount ELSE c.insurance_amount END`;
  await client.query(`
    INSERT INTO spending_detail (province_code, year, month, facility_code, spent, pending_amount, claim_count)
    SELECT c.province_code, c.year, c.month, c.facility_code, sum(${counted}),
           sum(CASE WHEN c.status = 'pending_documentation' THEN c.insurance_amount ELSE 0 END), count(*) FILTER (WHERE
             c.status <> 'denied')
    FROM claim c GROUP BY 1, 2, 3, 4`);
  await client.query(`
    INSERT INTO spending (province_code, year, spent, pending_amount, claim_count)
    SELECT province_code, year, sum(spent), sum(pending_amount), sum(claim_count) FROM spending_detail GROUP BY 1, 2`);
  await client.query(
    `INSERT INTO arrival_triangle (province_code, year, discharge_month, delay_months, amount, claim_count) ` +
      `${TRIANGLE_FROM_CLAIMS}`,
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
  const [{ n, size }] = (
    await client.query(`SELECT count(*)::int AS n, pg_size_pretty(pg_total_relation_size('claim')) AS size FROM claim`)
  ).rows;
  console.log(
    `aggregates built and analysed in ${seconds(t0)} s; claim table ${size} for ${n.toLocaleString("en-US")} claims ` +
      `of ${year}`,
  );
}

async function time() {
  // 4. Each report over HTTP: one warm-up, then the median of RUNS.
  const reports: [string, string, string?][] = [
    ["late submissions, national", `/v1/reports/late-submissions?year=${year}`],
    ["late submissions, national, CSV", `/v1/reports/late-submissions?year=${year}`, "text/csv"],
    ["late submissions, one province", `/v1/reports/late-submissions?year=${year}&province=79`],
    ["late submissions, one month", `/v1/reports/late-submissions?year=${year}&month=6`],
    ["outliers, national", `/v1/reports/outliers?year=${year}`],
    ["outliers, national, every facility, CSV", `/v1/reports/outliers?year=${year}&list=all`, "text/csv"],
    ["outliers, one province", `/v1/reports/outliers?year=${year}&province=79`],
    ["outliers, one visit type", `/v1/reports/outliers?year=${year}&visitType=inpatient`],
    ["projection, one province", `/v1/provinces/79/projection?year=${year}`],
    ["usage, every province (projection included)", `/v1/usage?year=${year}`],
  ];
  const results: string[] = [];
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
          : json.provinces
            ? `${json.provinces.length} provinces`
            : `method ${json.method}, projected ratio ${json.projectedRatio}`;
      } else summary = `${body.split("\r\n").length - 2} lines`;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    results.push(
      `${name.padEnd(46)} ${String(Math.round(median)).padStart(6)} ms  (min ${Math.round(times[0]!)}, max ` +
        `${Math.round(times.at(-1)!)}; ${summary}, ${(bytes / 1024).toFixed(0)} ` +
        `KiB)${median > 1000 ? "  OVER 1 s" : ""}`,
    );
    console.log(results.at(-1));
  }
}
