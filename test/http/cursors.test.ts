import { describe, expect, it } from "vitest";
import { seedReference, useTestApp } from "../support/harness.ts";

const t = useTestApp();

const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString("base64url");

/** Cursors a client might forge or mangle: each must be 422 invalid_cursor, never a 5xx or a silent 200. */
const FORGED = [
  "!!not base64url!!",
  Buffer.from("not json").toString("base64url"),
  cursor({ id: 1 }),
  cursor([]),
  cursor([null]),
  cursor(["x"]),
  cursor(["99999999999999999999999"]),
  Buffer.from("[1e999]").toString("base64url"),
  cursor(["2026-13-45T99:00:00Z", "0b5e2a52-6a55-4c5e-9b8e-6f0f3b1e2f10"]),
  cursor(["2026-06-15T03:00:00.000Z", "not-a-uuid"]),
  cursor(["01", "extra"]),
];

describe("a forged or mangled pagination cursor", () => {
  it("is 422 invalid_cursor naming the parameter on every list, never a 5xx", async () => {
    await seedReference(t);
    const hook = await t.json("POST", "/v1/alerts/webhooks", { body: { url: "https://vss.example.vn/h" } });
    const lists = [
      "/v1/claims",
      "/v1/batches",
      "/v1/keys",
      "/v1/alerts",
      "/v1/alerts/webhooks",
      `/v1/alerts/webhooks/${hook.body.id}/deliveries`,
      "/v1/provinces",
      "/v1/facilities",
    ];
    for (const list of lists)
      for (const forged of FORGED) {
        const res = await t.json("GET", `${list}?cursor=${encodeURIComponent(forged)}`);
        expect(res.status, `${list} ${forged}`).toBe(422);
        expect(res.body.errors, `${list} ${forged}`).toEqual([
          expect.objectContaining({ path: "cursor", code: "invalid_cursor" }),
        ]);
      }
  });

  it("while the cursors the service issues still page through every list", async () => {
    await seedReference(t);
    await t.key("province", "01");
    await t.key("facility", "01001");
    for (const list of ["/v1/provinces", "/v1/facilities", "/v1/keys"]) {
      const seen: unknown[] = [];
      let next: string | null = null;
      do {
        const res: { status: number; body: any } = await t.json(
          "GET",
          `${list}?limit=1${next ? `&cursor=${next}` : ""}`,
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.data);
        next = res.body.nextCursor;
      } while (next);
      expect(seen.length, list).toBeGreaterThan(1);
    }
  });
});
