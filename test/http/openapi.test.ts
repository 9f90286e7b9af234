import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/harness.ts";

const t = useTestApp();

describe("the OpenAPI document", () => {
  it("documents every /v1 route the app serves, with its method, at its real path", async () => {
    const doc = (await t.json("GET", "/openapi.json", { key: null })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const served = t.app.routes
      .filter((r) => r.method !== "ALL" && r.path.startsWith("/v1/") && !r.path.includes("*"))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect([...new Set(served)].filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => r.includes(" /v1/") && !served.includes(r))).toEqual([]);
  });
});
