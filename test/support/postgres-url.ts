/** The server the PostgreSQL tests use; CI starts it at this address. */
export const BASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

/** The same server, another database. */
export function databaseUrl(name: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One database per vitest worker, so files running in parallel never share tables. */
export const workerDatabase = () => `bhyt_test_${process.env.VITEST_POOL_ID ?? "0"}`;
