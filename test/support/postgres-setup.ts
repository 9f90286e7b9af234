import pg from "pg";
import { isAlive } from "../../src/db/data-dir-lock.ts";
import { baseUrl, DB_PREFIX } from "./postgres-url.ts";

async function admin() {
  const client = new pg.Client({ connectionString: baseUrl(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL tests need a server at ${baseUrl()} (set TEST_DATABASE_URL): ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return client;
}

/** Drops test databases of this run and of runs whose process is gone, so each run migrates from nothing. */
async function dropDatabases(which: (runId: string) => boolean) {
  const client = await admin();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [DB_PREFIX],
    );
    for (const { datname } of rows) {
      const runId = datname.slice(DB_PREFIX.length).split("_")[0]!;
      if (which(runId)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

export default async function setup() {
  const own = process.env.TEST_RUN_ID ?? String(process.pid);
  await dropDatabases((runId) => runId === own || !/^\d+$/.test(runId) || !isAlive(Number(runId)));
  return () => dropDatabases((runId) => runId === own);
}
