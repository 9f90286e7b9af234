import { describe, expect, it } from "vitest";
import { markStuck } from "../../src/backlog/mark-stuck.ts";
import { claim } from "../support/claims.ts";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";
import { setEstimate } from "../support/spending.ts";

const t = useTestApp();
const DAY = 86_400_000;
const FACILITIES = ["01001", "01002", "79001"];

/** `perFacility` inpatient claims without a discharge paper (so pending) from each facility, 1,000 each. */
async function sendPending(ctx: TestContext, keys: string[], round: number, perFacility: number) {
  const responses = await Promise.all(
    FACILITIES.map((code, f) =>
      ctx.json("POST", "/v1/batches", {
        key: keys[f]!,
        body: {
          batchId: `r${round}`,
          claims: Array.from({ length: perFacility }, (_, i) =>
            claim(
              {
                claimId: `${code}-${round}-${i}`,
                visitType: "inpatient",
                patient: { cardNumber: `DN401${f}${round}${String(i).padStart(8, "0")}` },
                amounts: { total: "1000", insurance: "1000", patient: "0" },
              },
              i,
            ),
          ),
        },
      }),
    ),
  );
  for (const r of responses) expect(r.body.pendingDocumentation).toBe(perFacility);
}

describe("stuck marking on PostgreSQL", () => {
  it("markings running at the same moment mark each claim once, and raise one stuck_backlog alert", async () => {
    await seedReference(t);
    const keys = await Promise.all(FACILITIES.map((code) => t.key("facility", code)));
    await setEstimate(t, "01", 2026, "1000000"); // 5% = 50,000: crossed
    await setEstimate(t, "79", 2026, "100000000"); // 5% = 5,000,000: not crossed
    const deps = { db: t.db, clock: t.clock, rules: t.rules };

    let eligible = 0;
    for (const round of [1, 2, 3]) {
      await sendPending(t, keys, round, 200);
      eligible += 600;
      t.clock.advance(30 * DAY);
      // Four at once: two as the schedule would run them (one in chunks of 70), two through the API; a batch correcting
      // claims of this round (in reverse order, so its locks cross the markings') runs alongside.
      const correction = Array.from({ length: 50 }, (_, i) =>
        claim(
          {
            claimId: `01001-${round}-${199 - i}`,
            visitType: "inpatient",
            diagnosis: { primary: "J20.0" },
            patient: { cardNumber: `DN4010${round}${String(199 - i).padStart(8, "0")}` },
            amounts: { total: "1000", insurance: "1000", patient: "0" },
          },
          199 - i,
        ),
      );
      const [a, b, c, d, batch] = await Promise.all([
        markStuck(deps, { chunk: 70 }),
        t.json("POST", "/v1/jobs/mark-stuck"),
        markStuck(deps),
        t.json("POST", "/v1/jobs/mark-stuck"),
        t.json("POST", "/v1/batches", { key: keys[0]!, body: { batchId: `fix-${round}`, claims: correction } }),
      ]);
      expect(b.status).toBe(200);
      expect(d.status).toBe(200);
      expect(batch.status).toBe(201);
      expect(batch.body.corrected).toBe(50);
      const marked = a.marked + b.body.marked + c.marked + d.body.marked;
      expect(marked, `round ${round}`).toBe(600);
      expect(await t.db.prisma.claim.count({ where: { stuck: true } })).toBe(eligible);
      // Every claim was marked by one marking: one stuck_at for the round's claims.
      const times = await t.db.prisma.claim.groupBy({
        by: ["stuckAt"],
        where: { claimId: { contains: `-${round}-` } },
        _count: true,
      });
      expect(times.map((g) => [g.stuckAt?.toISOString(), g._count])).toEqual([[t.clock.now().toISOString(), 600]]);
    }

    const alerts = await t.db.prisma.alert.findMany({ where: { kind: "stuck_backlog" } });
    expect(alerts.map((x) => [x.provinceCode, x.year, x.status])).toEqual([["01", 2026, "open"]]);
    // Raised by the first round's first marking to commit past 5%: a chunk of the chunked one (at least
    // 50 claims of 1,000) or a whole marking (Hà Nội's 400 claims).
    const ratio = Number(alerts[0]!.ratioAtRaise);
    expect(ratio).toBeGreaterThanOrEqual(0.05);
    expect(ratio).toBeLessThanOrEqual(0.4);
  });
});
