import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Database } from "../../src/db/client.ts";
import { registerBootstrapKey } from "../../src/keys/service.ts";
import { memoryLogger } from "../../src/logger.ts";
import { defaultRules } from "../../src/rules/schema.ts";
import {
  A_PRIVATE,
  ACCESS_MATRIX,
  CALLERS,
  DASHBOARD_ROUTES,
  PUBLIC_ROUTES,
  type Seeded,
  seedOwnedByA,
} from "../support/access-matrix.ts";
import { truncateAll } from "../support/database.ts";
import { fingerprint, writeWitness } from "../support/fingerprint.ts";
import { CENTRAL_KEY, unlimitedRules, useTestApp } from "../support/harness.ts";

/**
 * The route table as the app registers it (middleware entries and the public
 * operations routes aside): what the matrix must cover. Read from an app
 * built without a database; building one touches nothing.
 */
function registeredRoutes(): string[] {
  const app = createApp({
    db: {} as Database,
    clock: { now: () => new Date() },
    rules: defaultRules(),
    logger: memoryLogger(),
  });
  const all = app.routes.filter((r) => r.method !== "ALL" && !r.path.includes("*")).map((r) => `${r.method} ${r.path}`);
  return [...new Set(all)].filter((r) => !PUBLIC_ROUTES.includes(r) && !DASHBOARD_ROUTES.includes(r)).sort();
}

const ROUTES = registeredRoutes();
const t = useTestApp({ rules: unlimitedRules });

async function reseed(): Promise<Seeded> {
  await truncateAll(t.db);
  await registerBootstrapKey({ db: t.db, clock: t.clock, rules: t.rules, logger: t.logger }, CENTRAL_KEY);
  return seedOwnedByA(t);
}

describe("authorization matrix", () => {
  it("covers every registered route, and names no route the app lacks", () => {
    expect(ROUTES.length).toBeGreaterThan(20);
    expect(
      ROUTES.filter((r) => !(r in ACCESS_MATRIX)),
      "routes without an entry in test/support/access-matrix.ts",
    ).toEqual([]);
    expect(
      Object.keys(ACCESS_MATRIX).filter((r) => !ROUTES.includes(r)),
      "entries for routes the app does not register",
    ).toEqual([]);
  });

  it.each(ROUTES)("%s answers each caller as the contract says, and a refusal changes nothing", async (route) => {
    const entry = ACCESS_MATRIX[route];
    expect(entry, `${route} has no entry in test/support/access-matrix.ts`).toBeDefined();
    const method = route.split(" ")[0]!;
    let seeded = await seedOwnedByA(t);
    const wrong: string[] = [];
    // Every table's content after the seed, and a cheap witness of any write since (fingerprint.ts).
    let state = await fingerprint(t.db);
    let witness = await writeWitness(t.db);

    for (const caller of CALLERS) {
      const expected = entry!.expect[caller];
      const url = entry!.url(seeded);
      const res = await t.call(method, url, {
        key: seeded.keys[caller],
        ...(entry!.body ? { body: entry!.body(seeded) } : {}),
        ...(entry!.headers ? { headers: entry!.headers } : {}),
      });
      const text = await res.text();
      if (res.status !== expected) {
        wrong.push(`${caller}: expected ${expected}, got ${res.status} ${text.slice(0, 200)}`);
        if ((await writeWitness(t.db)) !== witness)
          [state, witness] = [await fingerprint(t.db), await writeWitness(t.db)];
        continue;
      }
      if (res.status >= 400) {
        if (!res.headers.get("content-type")?.startsWith("application/problem+json"))
          wrong.push(`${caller}: ${res.status} is not problem+json`);
        if (JSON.parse(text).status !== res.status) wrong.push(`${caller}: problem status differs from HTTP status`);
        if (res.status === 401 && !res.headers.get("www-authenticate"))
          wrong.push(`${caller}: 401 without WWW-Authenticate`);
      }
      if ((await writeWitness(t.db)) !== witness) {
        const after = await fingerprint(t.db);
        const changed = Object.keys(after).filter((table) => after[table] !== state[table]);
        if (res.status >= 300 && changed.length)
          wrong.push(`${caller}: refused with ${res.status} but changed ${changed.join(", ")}`);
        state = after;
        witness = await writeWitness(t.db);
      }
      // Outside A, even a successful answer must carry nothing of A's private data.
      if ((caller === "provinceB" || caller === "facilityB") && res.status < 300) {
        const leaked = [...Object.values(A_PRIVATE), seeded.alertId].filter((secret) => text.includes(secret));
        if (leaked.length) wrong.push(`${caller}: body shows A's ${leaked.join(", ")}`);
      }
      // A write that succeeded changed the state the next caller's expectation assumes.
      if (method !== "GET" && res.status < 300) {
        seeded = await reseed();
        state = await fingerprint(t.db);
        witness = await writeWitness(t.db);
      }
    }
    expect(wrong, `${route}: ${entry ? "" : "no matrix entry"}`).toEqual([]);
  });
});
