/** The server the PostgreSQL tests use; CI starts it at this address. */
export const BASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

/** The same server, another database. */
export function databaseUrl(name: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export const DB_PREFIX = "bhyt_test_";

/** One database per vitest worker and run, so files and runs in parallel never share tables. */
export const workerDatabase = () =>
  `${DB_PREFIX}${process.env.TEST_RUN_ID ?? "0"}_${process.env.VITEST_POOL_ID ?? "0"}`;
