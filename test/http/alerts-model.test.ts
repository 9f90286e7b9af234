import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/money.ts";
import { claim } from "../support/claims.ts";
import { truncateAll } from "../support/database.ts";
import { CENTRAL_KEY, seedReference, useTestApp, threeThresholdRules } from "../support/harness.ts";
import { registerBootstrapKey } from "../../src/keys/service.ts";

const THRESHOLDS = ["0.5", "0.85", "1"];
const t = useTestApp({ rules: threeThresholdRules });

type Op =
  | { kind: "claim"; id: number; amount: number }
  | { kind: "deny"; id: number }
  | { kind: "estimate"; amount: number }
  | { kind: "resolve" };

/**
 * The reference model: per threshold, whether an alert is live, and whether a
 * resolved one is latched (resolved while still reached). An alert is raised
 * when usage reaches a threshold that has neither; a latch is released when
 * usage is below the threshold.
 */
class Model {
  claims = new Map<number, { amount: number; denied: boolean }>();
  estimate: number | null = null;
  live = new Map<string, boolean>();
  latched = new Map<string, boolean>();
  raised = new Map<string, number>();
  spent = () => [...this.claims.values()].reduce((s, c) => s + (c.denied ? 0 : c.amount), 0);
  reached = (t: string) =>
    this.estimate !== null && this.estimate > 0 && new Dec(this.spent()).gte(new Dec(t).times(this.estimate));
  evaluate() {
    if (this.estimate === null) return;
    for (const th of THRESHOLDS) {
      if (this.reached(th)) {
        if (!this.live.get(th) && !this.latched.get(th)) {
          this.live.set(th, true);
          this.raised.set(th, (this.raised.get(th) ?? 0) + 1);
        }
      } else this.latched.set(th, false);
    }
  }
}

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("claim" as const),
      id: fc.integer({ min: 1, max: 6 }),
      amount: fc.integer({ min: 1, max: 60 }).map((n) => n * 10_000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deny" as const), id: fc.integer({ min: 1, max: 6 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("estimate" as const),
      amount: fc.integer({ min: 2, max: 20 }).map((n) => n * 100_000),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "resolve" as const }) },
);

describe("threshold alerts against a reference model", () => {
  it(
    "for random sequences of batches, corrections, denials, estimate changes and resolutions, the alerts raised are " +
      "exactly the model's crossings",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
          await truncateAll(t.db);
          await registerBootstrapKey(t, CENTRAL_KEY);
          await seedReference(t);
          const facility = await t.key("facility", "01001");
          const m = new Model();
          let batch = 0;
          for (const o of ops) {
            if (o.kind === "claim") {
              const existing = m.claims.get(o.id);
              if (existing?.denied) continue; // decided: a resend is rejected, nothing moves
              const amount = String(o.amount);
              const res = await t.json("POST", "/v1/batches", {
                key: facility,
                body: {
                  batchId: `b${batch++}`,
                  claims: [
                    claim(
                      {
                        claimId: `M${o.id}`,
                        patient: { cardNumber: `DN401${String(7000000000 + o.id)}` },
                        amounts: { total: amount, insurance: amount, patient: "0" },
                      },
                      o.id,
                    ),
                  ],
                },
              });
              expect(res.status).toBe(201);
              m.claims.set(o.id, { amount: o.amount, denied: false });
            } else if (o.kind === "deny") {
              const c = m.claims.get(o.id);
              if (!c || c.denied) continue;
              expect(
                (
                  await t.call("POST", `/v1/claims/01001/M${o.id}/decision`, {
                    body: { outcome: "denied", reason: "model" },
                  })
                ).status,
              ).toBe(200);
              c.denied = true;
            } else if (o.kind === "estimate") {
              expect(
                (await t.call("PUT", `/v1/provinces/01/estimates/2026`, { body: { amount: String(o.amount) } })).status,
              ).toBeLessThan(300);
              m.estimate = o.amount;
            } else {
              const open = (await t.json("GET", "/v1/alerts?province=01&kind=usage_threshold&status=open")).body.data;
              if (!open.length) continue;
              const oldest = open[open.length - 1];
              expect(
                (await t.call("POST", `/v1/alerts/${oldest.id}/resolve`, { body: { note: "model" } })).status,
              ).toBe(200);
              const th = String(new Dec(oldest.threshold));
              m.live.set(th, false);
              m.latched.set(th, m.reached(th));
              continue;
            }
            m.evaluate();
          }
          const all = (await t.json("GET", "/v1/alerts?province=01&kind=usage_threshold&limit=500")).body.data as {
            threshold: string;
            status: string;
          }[];
          for (const th of THRESHOLDS) {
            const mine = all.filter((a) => new Dec(a.threshold).eq(th));
            expect(mine.length, `alerts raised at ${th} after ${JSON.stringify(ops)}`).toBe(m.raised.get(th) ?? 0);
            expect(mine.filter((a) => a.status !== "resolved").length, `live at ${th}`).toBe(m.live.get(th) ? 1 : 0);
          }
        }),
        { numRuns: 12 },
      );
    },
  );
});
