import { freePort } from "./process.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";

/**
 * Vitest global set-up: the PostgreSQL server every PostgreSQL test uses.
 * TEST_DATABASE_URL names one; when it is unset, this run starts its own from
 * npm-shipped binaries and points TEST_DATABASE_URL at it (the test workers
 * are started after this and inherit it). Several projects list this file:
 * the first one starts the server, the others find the variable set.
 */
export default async function setup() {
  if (process.env.TEST_DATABASE_URL) return;
  const server = await startEmbeddedPostgres(await freePort());
  process.env.TEST_DATABASE_URL = server.url;
  return async () => {
    await server.stop();
    delete process.env.TEST_DATABASE_URL;
  };
}
