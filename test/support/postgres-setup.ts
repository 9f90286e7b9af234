import pg from "pg";
import { BASE_URL } from "./postgres-url.ts";

/** Drops the previous run's worker databases, so every run migrates from nothing. */
export default async function setup() {
  const client = new pg.Client({ connectionString: BASE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL tests need a server at ${BASE_URL} (set TEST_DATABASE_URL): ${(err as Error).message}`);
  }
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'bhyt\\_test\\_%'");
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await client.end();
}
