import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACCESS_MATRIX, seedOwnedByA } from "../support/access-matrix.ts";
import { unlimitedRules, useTestApp } from "../support/harness.ts";

/**
 * Generated values for every query and path parameter of every read in the
 * route table (as /openapi.json documents them): numbers out of range or not
 * numbers, dates that are not dates, forged cursors, odd Unicode, NUL, huge
 * strings. Whatever arrives: never a 5xx, every error problem+json, a 422
 * names the parameter.
 */
const t = useTestApp({ rules: unlimitedRules });
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);

const reads = Object.keys(ACCESS_MATRIX).filter((route) => route.startsWith("GET /v1/"));

const value = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    "",
    "%00",
    "\u0000",
    "-1",
    "0",
    "1e309",
    "99999999999999999999999",
    "2026-13-45",
    "2026",
    "01",
    "01001",
    "true",
    "null",
    "[]",
    "{}",
    "x".repeat(5_000),
    Buffer.from(JSON.stringify(["1e999"])).toString("base64url"),
    "00000000-0000-0000-0000-000000000000",
  ),
);

interface Operation {
  parameters?: { name: string; in: "query" | "path" }[];
}

describe("every read, whatever its parameters", () => {
  it.each(reads)("%s: never a 5xx; problems name the parameter", async (route) => {
    const seeded = await seedOwnedByA(t);
    const doc = (await t.json("GET", "/openapi.json", { key: null })).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    const path = route.split(" ")[1]!.replace(/:(\w+)/g, "{$1}");
    const parameters = doc.paths[path]?.get?.parameters ?? [];
    expect(doc.paths[path], `${path} is documented`).toBeDefined();
    const [base] = ACCESS_MATRIX[route]!.url(seeded).split("?");
    const names = parameters.map((parameter) => parameter.name);
    const query = fc.dictionary(fc.constantFrom(...(names.length ? names : ["x"])), value, { maxKeys: 4 });
    const outcome = await fc.check(
      fc.asyncProperty(query, fc.option(value, { nil: undefined }), async (params, segment) => {
        const pathParams = parameters.filter((parameter) => parameter.in === "path");
        let url = base!;
        if (segment !== undefined && pathParams.length) {
          const parts = url.split("/");
          parts[parts.length - 1] = encodeURIComponent(segment.replace(/[\uD800-\uDFFF]/g, "\uFFFD")) || "x";
          url = parts.join("/");
        }
        const search = new URLSearchParams(
          Object.entries(params).filter(([name]) => !pathParams.some((parameter) => parameter.name === name)),
        );
        const res = await t.app.request(`${url}${search.size ? `?${search}` : ""}`, {
          headers: { authorization: `Bearer ${seeded.keys.central}` },
        });
        const text = await res.text();
        const why = `${url}?${search} -> ${res.status} ${text.slice(0, 200)}`;
        expect(res.status, why).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get("content-type"), why).toMatch(/^application\/problem\+json/);
          if (res.status === 422) {
            const problem = JSON.parse(text) as { errors?: { path: string }[] };
            expect(problem.errors?.length, why).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    if (outcome.failed)
      throw new Error(`${route}: ${String(outcome.errorInstance ?? outcome.counterexample).slice(0, 2_000)}`);
  });
});
