/**
 * What the per-key rate limit costs a request: the same app over the same
 * PostgreSQL database (DATABASE_URL; a fresh database <name>_limits is made
 * there), the same cheap authenticated read, in alternating rounds with the
 * limits on and off, so both figures come from the same run and machine.
 * Prints the mean time per request and the database time of the counting
 * statement alone.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench:limits
 */
import { createApp } from "../src/app.ts";
import { systemClock } from "../src/clock.ts";
import { openPostgres } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { readMigrations } from "../src/db/migrations-fs.ts";
import { registerBootstrapKey } from "../src/keys/service.ts";
import { countHits } from "../src/limits/count.ts";
import { memoryLogger } from "../src/logger.ts";
import { defaultRules } from "../src/rules/schema.ts";
import { freshDatabase } from "./server.ts";

const BASE = process.env.DATABASE_URL;
if (!BASE) {
  console.error("bench:limits: set DATABASE_URL to a PostgreSQL server (a fresh database <name>_limits is made on it)");
  process.exit(2);
}
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const PER_ROUND = Number(process.env.PER_ROUND ?? 1000);
const KEY = "bench-limits-central-key-0123456789";

const url = await freshDatabase(BASE, `${new URL(BASE).pathname.slice(1) || "postgres"}_limits`);
const db = openPostgres({ connectionString: url, max: 4 });
await migrate(db, await readMigrations());
const rules = defaultRules();
// A budget no round reaches: what is measured is the counting, not refusals.
rules.limits.requestsPerMinute.central = 10_000_000;
const deps = { db, clock: systemClock, rules, logger: memoryLogger() };
await registerBootstrapKey(deps, KEY);
const app = createApp(deps);

async function round(limits: boolean): Promise<number> {
  rules.limits.enabled = limits;
  const started = process.hrtime.bigint();
  for (let n = 0; n < PER_ROUND; n++) {
    const res = await app.request("/v1/rules", { headers: { authorization: `Bearer ${KEY}` } });
    if (res.status !== 200) throw new Error(`GET /v1/rules answered ${res.status}`);
    await res.arrayBuffer();
  }
  return Number(process.hrtime.bigint() - started) / 1e6 / PER_ROUND;
}

async function countingOnly(): Promise<number> {
  const started = process.hrtime.bigint();
  for (let n = 0; n < PER_ROUND; n++)
    await countHits(db.sql, [{ bucket: "bench", hits: 1, limit: 10_000_000 }], new Date());
  return Number(process.hrtime.bigint() - started) / 1e6 / PER_ROUND;
}

await round(true); // warm-up: JIT, connections, the key's row
const on: number[] = [];
const off: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which goes first, so drift in the machine's load falls on both.
  const order = r % 2 === 0 ? [true, false] : [false, true];
  for (const limits of order) (limits ? on : off).push(await round(limits));
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const counting = await countingOnly();
console.log(`GET /v1/rules, ${ROUNDS} rounds of ${PER_ROUND} requests each way, PostgreSQL, in process:`);
console.log(`  limits on:  ${mean(on).toFixed(3)} ms a request (rounds: ${on.map((x) => x.toFixed(3)).join(", ")})`);
console.log(`  limits off: ${mean(off).toFixed(3)} ms a request (rounds: ${off.map((x) => x.toFixed(3)).join(", ")})`);
console.log(`  difference: ${(mean(on) - mean(off)).toFixed(3)} ms a request`);
console.log(`  the counting statement alone: ${counting.toFixed(3)} ms`);
await db.close();
