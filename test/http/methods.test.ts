import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/harness.ts";

const t = useTestApp();

describe("a wrong method on a known path", () => {
  it("is 405 with Allow listing the methods that path answers; an unknown path stays 404", async () => {
    const cases: [string, string, string][] = [
      ["PATCH", "/v1/claims", "GET, HEAD"],
      ["PUT", "/v1/claims/01001/LK1", "GET, HEAD"],
      ["DELETE", "/v1/batches", "GET, HEAD, POST"],
      ["GET", "/v1/alerts/webhooks/0b5e2a52-6a55-4c5e-9b8e-6f0f3b1e2f10", "DELETE"],
      ["POST", "/healthz", "GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await t.call(method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
      expect(await res.json()).toMatchObject({ status: 405, code: "method_not_allowed" });
    }
    expect((await t.call("GET", "/v1/nothing-here")).status).toBe(404);
  });
});
