import type { Database } from "../../src/db/client.ts";

/**
 * The service's tables. Not `rate_limit`: it counts traffic, so every
 * request moves it, refused or not (test/http/rate-limits.test.ts covers it).
 */
async function tables(db: Database): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ tablename: string }[]>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', " +
      "'rate_limit') ORDER BY tablename",
  );
  return rows.map((r) => r.tablename);
}

/** Rows in every table of the service, by table name. */
export async function rowCounts(db: Database): Promise<Record<string, number>> {
  const names = await tables(db);
  const rows = await db.prisma.$queryRawUnsafe<{ t: string; n: number }[]>(
    names.map((n) => `SELECT '${n}' AS t, count(*)::int AS n FROM "${n}"`).join(" UNION ALL "),
  );
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}

/**
 * Every table's full content as one hash each, by table name: two equal
 * fingerprints mean nothing was inserted, changed or deleted in between.
 */
export async function fingerprint(db: Database): Promise<Record<string, string>> {
  const names = await tables(db);
  const rows = await db.prisma.$queryRawUnsafe<{ t: string; h: string }[]>(
    names
      .map(
        (n) =>
          `SELECT '${n}' AS t, count(*)::text || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS
            h FROM "${n}" x`,
      )
      .join(" UNION ALL "),
  );
  return Object.fromEntries(rows.map((r) => [r.t, r.h]));
}

/**
 * A cheap witness that no write transaction finished since the last call: the
 * snapshot's xmax moves whenever a transaction that wrote (committed or rolled
 * back) ends. Equal witnesses prove nothing changed; different ones call for
 * a fingerprint.
 */
export async function writeWitness(db: Database): Promise<string> {
  const [row] = await db.prisma.$queryRawUnsafe<{ x: string }[]>(
    "SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x",
  );
  return row!.x;
}
