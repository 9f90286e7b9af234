import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openPostgres } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { onError } from "../../src/http/errors.ts";
import { memoryLogger } from "../../src/logger.ts";
import { Hono } from "hono";
import type { AppEnv } from "../../src/http/router.ts";
import { createScratchDatabase } from "../support/scratch-database.ts";

/** Nothing waits forever on PostgreSQL: the pool bounds every ordinary statement; migrations are not bound by it. */
describe("statement time limit", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: Database;

  beforeAll(async () => {
    scratch = await createScratchDatabase("bounds");
    db = openPostgres({ connectionString: scratch.url, max: 2, statementTimeoutMs: 200 });
  });
  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it("cancels an ordinary statement past the bound; the service answers 503 with Retry-After, and the pool goes on", async () => {
    const started = Date.now();
    const stuck = await db.sql.query("SELECT pg_sleep(5)").catch((err: unknown) => err as Error);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((stuck as Error).message).toMatch(/57014|canceling statement due to statement timeout/);
    const app = new Hono<AppEnv>();
    app.get("/slow", async () => new Response(JSON.stringify(await db.sql.query("SELECT pg_sleep(5)"))));
    app.onError(onError(memoryLogger()));
    const res = await app.request("/slow");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await db.sql.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  it("lets a migration run longer than the bound", async () => {
    const applied = await migrate(db, [{ name: "20990101000000_slow", sql: "SELECT pg_sleep(0.5);" }]);
    expect(applied).toEqual(["20990101000000_slow"]);
  });
});
