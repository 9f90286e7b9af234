import pg from "pg";
import { facilities, makeClaim, PROVINCES, rng, withLines } from "./data.ts";
import { freshDatabase, startServer } from "./server.ts";

/**
 * npm run bench:storage: what a claim costs on PostgreSQL (DATABASE_URL) with and without its cost lines (issue 20,
 * point 5). Sends the same number of claims twice, first without lines and then with LINES lines each (realistic
 * groups), into a fresh database through `npm start`'s server, and prints the bytes per claim of each table after
 * each phase (pg_total_relation_size: heap, TOAST and indexes, over every partition), measured in the same run.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench:storage
 *   CLAIMS=20000 LINES=20 npm run bench:storage
 */
const BASE = process.env.DATABASE_URL;
if (!BASE) {
  console.error("bench:storage: set DATABASE_URL to a PostgreSQL server (a fresh database <name>_storage is made)");
  process.exit(1);
}
const CLAIMS = Number(process.env.CLAIMS ?? 10_000);
const LINES = Number(process.env.LINES ?? 20);
const SIZE = 1000;
const KEY = "bench-central-key-0123456789";
const TABLES = ["claim", "claim_document", "batch", "spending_item"];

const dbUrl = await freshDatabase(BASE, `${new URL(BASE).pathname.slice(1) || "postgres"}_storage`);
const server = await startServer({ DATABASE_URL: dbUrl, BOOTSTRAP_CENTRAL_KEY: KEY, PORT: "18788" });
const db = new pg.Client({ connectionString: dbUrl });
await db.connect();

const call = async (path: string, body: unknown, method = "POST") => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ rejected: number }>;
};

/** Bytes of each table, indexes and TOAST included, after a VACUUM so the upserts' dead space is not counted. */
async function sizes(): Promise<Record<string, number>> {
  await db.query(`VACUUM ANALYZE ${TABLES.join(", ")}`);
  const { rows } = await db.query<{ name: string; bytes: string }>(
    // A table partitioned by year (claim, claim_document) is the sum of its partitions.
    `SELECT t AS name, COALESCE((SELECT sum(pg_total_relation_size(p.relid)) FROM pg_partition_tree(t::regclass) p),
                                pg_total_relation_size(t::regclass))::text AS bytes
     FROM unnest($1::text[]) AS t`,
    [TABLES],
  );
  return Object.fromEntries(rows.map((row) => [row.name, Number(row.bytes)]));
}

try {
  const fs = facilities(2);
  for (const [code, name] of PROVINCES) await call(`/v1/provinces/${code}`, { name }, "PUT");
  for (const f of fs) await call(`/v1/facilities/${f.code}`, { name: `Bệnh viện ${f.code}` }, "PUT");
  const r = rng(3);
  const now = new Date();
  const send = async (phase: string, lines: boolean) => {
    for (let from = 0; from < CLAIMS; from += SIZE) {
      const facility = fs[(from / SIZE) % fs.length]!;
      const claims = Array.from({ length: Math.min(SIZE, CLAIMS - from) }, (_, i) => {
        const claim = makeClaim(r, facility, from + i + (lines ? CLAIMS : 0), now);
        // The fields of issue 20, as docs/scaling.md measured them; "full" adds what automated assessment reads.
        return lines ? withLines(claim, r, LINES, "basic") : claim;
      });
      const out = await call("/v1/batches", { batchId: `${phase}-${from}`, facilityCode: facility.code, claims });
      if (out.rejected) throw new Error(`${phase}: ${out.rejected} claims rejected`);
    }
  };

  const empty = await sizes();
  await send("plain", false);
  const plain = await sizes();
  await send("lines", true);
  const withLinesSizes = await sizes();
  const per = (after: Record<string, number>, before: Record<string, number>, table: string) =>
    Math.round((after[table]! - before[table]!) / CLAIMS);
  console.log(`${CLAIMS} claims without lines, then ${CLAIMS} with ${LINES} lines each; bytes per claim:`);
  const row = (name: string, without: number, lined: number) =>
    console.log(`${name.padEnd(16)} ${String(without).padStart(13)}   ${String(lined).padStart(13)}`);
  console.log(`table            without lines   with ${LINES} lines`);
  for (const table of TABLES) row(table, per(plain, empty, table), per(withLinesSizes, plain, table));
  const total = (after: Record<string, number>, before: Record<string, number>) =>
    TABLES.reduce((n, table) => n + per(after, before, table), 0);
  row("all", total(plain, empty), total(withLinesSizes, plain));
} finally {
  await db.end();
  await server.stop();
}
