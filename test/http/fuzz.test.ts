import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Database } from "../../src/db/client.ts";
import { memoryLogger } from "../../src/logger.ts";
import { defaultRules } from "../../src/rules/schema.ts";
import { ACCESS_MATRIX, seedOwnedByA } from "../support/access-matrix.ts";
import { fingerprint, writeWitness } from "../support/fingerprint.ts";
import { unlimitedRules, useTestApp } from "../support/harness.ts";

/**
 * Hostile input on every write endpoint of the route table: random JSON,
 * valid bodies with one field replaced by something nasty (wrong type, huge,
 * deeply nested, odd Unicode, NUL, 1e309, 0.1+0.2 …), bytes that are not JSON,
 * and path parameters of the same kind. Whatever arrives: never a 5xx, every
 * error is problem+json, a 422 names the field, and a refusal leaves every
 * table as it was.
 */

const t = useTestApp({ rules: unlimitedRules });
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);

function writeRoutes(): string[] {
  const app = createApp({
    db: {} as Database,
    clock: { now: () => new Date() },
    rules: defaultRules(),
    logger: memoryLogger(),
  });
  // The JSON API; the dashboard's HTML forms are another surface.
  const all = app.routes
    .filter((r) => r.method !== "ALL" && r.method !== "GET" && r.path.startsWith("/v1/") && !r.path.includes("*"))
    .map((r) => `${r.method} ${r.path}`);
  return [...new Set(all)].sort();
}

/** JSON text to put verbatim where a value goes (numbers JSON.stringify cannot write, deep nesting). */
class Raw {
  constructor(readonly text: string) {}
}

function toJsonText(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

const oddStrings = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\uD800",
    "\uDFFF\uD800",
    "\u202Eevil",
    "\uFEFF",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "Nguyễn Văn A",
    "' OR 1=1 --",
    "\\",
    "%00",
    "../../etc/passwd",
    "<script>",
    " ",
    "",
  ),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => "x".repeat(n)),
);
const oddNumbers = fc.oneof(
  fc
    .constantFrom(
      "1e309",
      "-1e309",
      "1e-400",
      "0.30000000000000004",
      "0.1",
      "1.005",
      "-0",
      "123456789012345678901234567890",
      "9007199254740993",
      "1E2",
      "-1",
      "9999999999999999.99",
    )
    .map((s) => new Raw(s)),
  fc.constantFrom("9999999999999999.99", "-9999999999999999.99", "99999999999999999", "0.001", "1e3", " 1", "١٢٣"),
  fc.double().filter(Number.isFinite),
  fc.integer(),
);
const deep = fc
  .integer({ min: 50, max: 100_000 })
  .chain((n) =>
    fc.constantFrom(new Raw("[".repeat(n) + "]".repeat(n)), new Raw('{"a":'.repeat(n) + "1" + "}".repeat(n))),
  );
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  oddStrings,
  oddNumbers,
  deep,
  fc.constantFrom(null, true, false, [], {}),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1_000, maxLength: 5_000 }),
);

/** Every path to a value inside `v`, the root included. */
function pathsOf(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(v)) return here.concat(...v.map((x, i) => pathsOf(x, [...at, i])));
  if (v && typeof v === "object") return here.concat(...Object.entries(v).map(([k, x]) => pathsOf(x, [...at, k])));
  return here;
}

function replaceAt(v: unknown, path: (string | number)[], value: unknown | typeof DELETE): unknown {
  if (path.length === 0) return value === DELETE ? undefined : value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(v) ? [...v] : { ...(v as object) };
  const next = replaceAt(copy[head!], rest, value);
  if (next === undefined && rest.length === 0) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head!];
  } else copy[head!] = next;
  return copy;
}
const DELETE = Symbol("delete");

/** A body for a route whose valid body is `valid`: JSON text, or not JSON at all. */
function bodies(valid: unknown): fc.Arbitrary<string | undefined> {
  const paths = pathsOf(valid ?? {});
  const mutated = fc
    .tuple(fc.constantFrom(...paths), fc.oneof(nasty, fc.constant(DELETE)))
    .map(([path, value]) => toJsonText(replaceAt(valid ?? {}, path, value) ?? null));
  const extraKey = fc.tuple(fc.constantFrom(...paths), oddStrings, nasty).map(([path, key, value]) => {
    const target = path.reduce<any>((o, k) => o?.[k], valid);
    if (!target || typeof target !== "object" || Array.isArray(target)) return toJsonText(valid);
    return toJsonText(replaceAt(valid, path, { ...target, [key]: value }));
  });
  const notJson = fc.oneof(
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.constantFrom("", "{", '{"a":', "[1,]", "{'a':1}", "NaN", "\u0000", '{"a":"\u0000"}', "\uFEFF{}", "null", '"x"'),
    fc.nat({ max: 200 }).map((cut) => JSON.stringify(valid ?? {}).slice(0, cut)),
  );
  return fc.oneof(
    { weight: 5, arbitrary: mutated },
    { weight: 2, arbitrary: extraKey },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: notJson },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Path parameters: the seeded ones (in scope), or something hostile in one of them. */
function urls(route: string, url: string): fc.Arbitrary<string> {
  const [pathPart, query = ""] = url.split("?");
  const template = route.split(" ")[1]!.split("/");
  const concrete = pathPart!.split("/");
  const params = template.map((seg, i) => (seg.startsWith(":") ? i : -1)).filter((i) => i >= 0);
  if (params.length === 0) return fc.constant(url);
  const segment = fc.oneof(
    oddStrings.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, "\uFFFD")).slice(0, 4_000)),
    fc.constantFrom(
      "%00",
      "%ZZ",
      "%C0%80",
      "%FF",
      "%2F",
      "..",
      "1e309",
      "-1",
      "99999999999999999999",
      "00000000-0000-0000-0000-000000000000",
      "01",
      "2026",
    ),
  );
  const hostile = fc.tuple(fc.constantFrom(...params), segment).map(([i, s]) => {
    const segs = [...concrete];
    segs[i] = s || "x";
    return segs.join("/") + (query ? `?${query}` : "");
  });
  return fc.oneof({ weight: 3, arbitrary: fc.constant(url) }, { weight: 2, arbitrary: hostile });
}

describe("fuzzing every write endpoint", () => {
  const routes = writeRoutes();

  it("finds the write endpoints in the route table", () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  // The check below trusts writeWitness to skip a full fingerprint: it must move on every write (it
  // then compares every table), and should stay put otherwise (else it compares every table anyway).
  // The witness is the cluster's transaction counter: on PostgreSQL other test files, run beside this
  // one on the same server, move it too, so "stays put" is checked where it is this test's alone.
  it("the write witness stays put over reads and refusals, and moves on any committed or rolled-back write", async () => {
    await seedOwnedByA(t);
    const w0 = await writeWitness(t.db);
    const f0 = await fingerprint(t.db);
    await t.json("GET", "/v1/provinces");
    await t.json("PUT", "/v1/provinces/01", { key: "not-a-key", body: { name: "x" } });
    await t.json("PUT", "/v1/provinces/01", { body: { name: 5 } });
    if (t.db.kind === "pglite") expect(await writeWitness(t.db)).toBe(w0);
    expect(await fingerprint(t.db)).toEqual(f0);
    await t.db.prisma.$executeRawUnsafe("UPDATE province SET name = 'changed' WHERE code = '01'");
    const w1 = await writeWitness(t.db);
    expect(w1).not.toBe(w0);
    expect((await fingerprint(t.db)).province).not.toBe(f0.province);
    await t.db.prisma
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe("UPDATE province SET name = 'rolled back' WHERE code = '01'");
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(await writeWitness(t.db)).not.toBe(w1);
  });

  it.each(routes)("%s: never a 5xx; problems name the field; a refusal changes nothing", async (route) => {
    const entry = ACCESS_MATRIX[route];
    expect(entry, `${route} needs an entry in test/support/access-matrix.ts`).toBeDefined();
    const method = route.split(" ")[0]!;
    const seeded = await seedOwnedByA(t);
    const valid = entry!.body?.(seeded);
    let state = await fingerprint(t.db);
    let witness = await writeWitness(t.db);

    const outcome = await fc.check(
      fc.asyncProperty(urls(route, entry!.url(seeded)), bodies(valid), async (url, body) => {
        const headers: Record<string, string> = { authorization: `Bearer ${seeded.keys.central}` };
        if (body !== undefined) headers["content-type"] = "application/json";
        const res = await t.app.request(url, { method, headers, body });
        const text = await res.text();
        const why =
          `${method} ${url.slice(0, 200)} body ${(body ?? "<none>").slice(0, 300)} -> ${res.status} ` +
          `${text.slice(0, 300)}`;
        expect(res.status, why).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get("content-type"), why).toMatch(/^application\/problem\+json/);
          const problem = JSON.parse(text);
          expect(problem, why).toMatchObject({
            status: res.status,
            code: expect.any(String),
            requestId: expect.any(String),
          });
          if (res.status === 422) {
            expect(problem.errors, why).toEqual(expect.arrayContaining([expect.anything()]));
            for (const e of problem.errors)
              expect(e, why).toMatchObject({
                path: expect.stringMatching(/./su),
                code: expect.any(String),
                message: expect.any(String),
              });
          }
          // No write transaction ended: nothing changed. Otherwise compare every table.
          if ((await writeWitness(t.db)) !== witness) {
            expect(await fingerprint(t.db), `${why}: a refused request changed the database`).toEqual(state);
            witness = await writeWitness(t.db);
          }
        } else {
          state = await fingerprint(t.db);
          witness = await writeWitness(t.db);
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    // fast-check's own report prints the whole counterexample (a 100,000-level body): say what failed, shortly.
    if (outcome.failed)
      throw new Error(
        `after ${outcome.numRuns} runs (seed ${outcome.seed}): ` +
          `${String((outcome.errorInstance as Error)?.message ?? outcome.errorInstance).slice(0, 2_000)}`,
      );
  });
});
