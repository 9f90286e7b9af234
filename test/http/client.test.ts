import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLIENT_TYPES, clientTypes } from "../../scripts/client-types.ts";
import { readmeFlow } from "../client/readme-flow.ts";
import { CENTRAL_KEY, useTestApp } from "../support/harness.ts";

const t = useTestApp();

describe("a client generated from /openapi.json", () => {
  it("has the types checked in as test/client/api.d.ts (regenerate with npm run generate:client)", async () => {
    const served = await (await t.app.request("/openapi.json")).json();
    expect(await clientTypes(served)).toBe(readFileSync(CLIENT_TYPES, "utf8"));
  });

  it("runs the README's flow through openapi-fetch: reference data, a key, a batch, usage, alerts, a decision", async () => {
    const result = await readmeFlow("http://service.test", CENTRAL_KEY, async (request) =>
      t.app.fetch(request as Request),
    );
    expect(result.batch).toMatchObject({ received: 3, accepted: 3, rejected: 0 });
    expect(result.usage).toMatchObject({ provinceCode: "01", spent: "1200000", ratio: "1.2000" });
    const crossed = result.alerts.data.filter((alert) => alert.kind === "usage_threshold");
    expect(crossed.map((alert) => alert.threshold).sort()).toEqual(["0.8500", "1.0000"]);
    expect(result.claims.data).toHaveLength(3);
    expect(result.decided).toMatchObject({ claimId: "LK1", status: "approved", amounts: { approved: "350000" } });
  });
});
