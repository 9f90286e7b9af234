/**
 * The server the PostgreSQL tests use: TEST_DATABASE_URL, which the global
 * set-up (postgres-server.ts) sets to a server of its own when it was unset.
 * Read when called, not at import: the set-up may import this before it runs.
 */
export function baseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is unset: run the tests through vitest, whose global set-up sets it");
  return url;
}

/** The same server, another database. */
export function databaseUrl(name: string): string {
  const url = new URL(baseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export const DB_PREFIX = "bhyt_test_";

/** One database per vitest worker and run, so files and runs in parallel never share tables. */
export const workerDatabase = () =>
  `${DB_PREFIX}${process.env.TEST_RUN_ID ?? "0"}_${process.env.VITEST_POOL_ID ?? "0"}`;
