import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregates } from "../support/aggregates.ts";
import { useTestApp } from "../support/harness.ts";
import { stay, submitFor } from "../support/reports.ts";

const t = useTestApp();

/** Items several claims share, some claims twice: drugs, supplies and services in their cost groups. */
const ITEMS = [
  ["drug", "40.17", "4"],
  ["drug", "40.1001", "4"],
  ["supply", "N03.05.070", "10"],
  ["service", "01.0001.1778", "1"],
  ["service", "22.0120.1370", "13"],
] as const;
const FACILITIES = ["02001", "02002", "14001"] as const;
/** Discharges on both sides of the mergers' instants (July and August 2025, Vietnam time). */
const DISCHARGES = ["2025-05-03T03:00:00Z", "2025-06-30T16:59:59Z", "2025-07-01T05:00:00Z", "2025-08-15T03:00:00Z"];
/** Province records that move stored claims: mergers made, moved, undone; a facility recorded elsewhere. */
const MOVES: [string, object][] = [
  ["/v1/provinces/02", { name: "Hà Giang", successorCode: "08", mergedAt: "2025-07-01T00:00:00+07:00" }],
  ["/v1/provinces/14", { name: "Sơn La", successorCode: "79", mergedAt: "2025-08-01T00:00:00+07:00" }],
  ["/v1/provinces/02", { name: "Hà Giang", mergedAt: null }],
  ["/v1/facilities/02002", { name: "b", provinceCode: "02" }],
  ["/v1/facilities/02002", { name: "b", provinceCode: "14" }],
];

const line = fc.record({
  item: fc.integer({ min: 0, max: ITEMS.length - 1 }),
  quantity: fc.constantFrom("1", "2", "1.5", "0.25"),
  cents: fc.integer({ min: 0, max: 5_000_000 }),
  fundShare: fc.constantFrom(1, 0.8, 0),
});
/**
 * A claim's content: its discharge and its lines (none: it counts as unspecified and in no item), its visit type
 * (inpatient stays wait for their discharge paper) and its patient (one shared by several claims: their stays
 * overlap, so they are flagged possible duplicates, and the shared citizen ID disagrees with the birth date).
 */
const content = fc.record({
  discharge: fc.constantFrom(...DISCHARGES),
  lines: fc.array(line, { maxLength: 4 }),
  visitType: fc.constantFrom("outpatient", "emergency", "inpatient"),
  patient: fc.constantFrom("own", "shared"),
  // An operation also needs its surgery certificate: with it missing too, a claim's paper leaves it pending.
  procedure: fc.boolean(),
});
const SHARED_PATIENT = { cardNumber: "DN4010000000001", citizenId: "001081000001" };

const operation = fc.oneof(
  fc.record({
    op: fc.constant("send" as const),
    facility: fc.constantFrom(...FACILITIES),
    claims: fc.array(content, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ op: fc.constant("correct" as const), pick: fc.nat(), content }),
  fc.record({
    op: fc.constant("decide" as const),
    pick: fc.nat(),
    outcome: fc.constantFrom("approved", "denied", "approved for less"),
  }),
  fc.record({ op: fc.constant("move" as const), step: fc.integer({ min: 0, max: MOVES.length - 1 }) }),
  // A document of a pending claim arrives (it becomes accepted, or misses less; stuck or not).
  fc.record({
    op: fc.constant("document" as const),
    pick: fc.nat(),
    type: fc.constantFrom("discharge_paper", "surgery_certificate"),
  }),
  // Days pass (up to a year in all) and the periodic marking marks the claims pending for 30 days stuck.
  fc.record({ op: fc.constant("mark" as const), days: fc.constantFrom(1, 20, 31) }),
);
type Operation = typeof operation extends fc.Arbitrary<infer O> ? O : never;
type Content = typeof content extends fc.Arbitrary<infer C> ? C : never;

const money = (cents: number) => (cents / 100).toFixed(2);

/** A claim of `content` whose totals are its lines' sums (an amount of its own when it has none). */
function claimOf(claimId: string, { discharge, lines, visitType, patient, procedure }: Content) {
  const sent = lines.map(({ item, quantity, cents, fundShare }) => {
    const [kind, itemCode, costGroup] = ITEMS[item]!;
    const insurance = Math.floor(cents * fundShare);
    return {
      kind,
      itemCode,
      name: `${itemCode} name`,
      costGroup,
      quantity,
      unitPrice: "1",
      amount: money(cents),
      insurance: money(insurance),
    };
  });
  const total = lines.length ? lines.reduce((sum, l) => sum + l.cents, 0) : 100_000;
  const insurance = lines.length ? lines.reduce((sum, l) => sum + Math.floor(l.cents * l.fundShare), 0) : 80_000;
  const claim = stay(claimId, discharge, money(insurance), {
    lines: sent,
    visitType,
    procedure,
    ...(patient === "shared" ? { patient: SHARED_PATIENT } : {}),
  });
  return {
    ...claim,
    amounts: { total: money(total), insurance: money(insurance), patient: money(total - insurance), other: "0" },
  };
}

describe("the aggregates after random mixes of batches, corrections, decisions, documents, stuck marking and mergers", () => {
  it(
    "spending, its detail, cost groups, items, the reports' tallies and delays, the backlog's tally and the arrival " +
      "triangle equal what the claims say",
    { timeout: 240_000 },
    async () => {
      for (const [code, name] of [
        ["02", "Hà Giang"],
        ["08", "Tuyên Quang"],
        ["14", "Sơn La"],
        ["79", "Hồ Chí Minh"],
      ])
        await t.json("PUT", `/v1/provinces/${code}`, { body: { name } });
      for (const facility of FACILITIES)
        await t.json("PUT", `/v1/facilities/${facility}`, { body: { name: facility } });
      t.clock.set("2025-12-20T03:00:00Z");
      // Claims sent so far, by facility and claimId; those decided can no longer change.
      const sent: { facility: string; claimId: string; content: Content; decided: boolean }[] = [];
      let next = 0;
      let advanced = 0;
      let marked = 0;
      const apply = async (operation: Operation) => {
        if (operation.op === "send") {
          const batch = operation.claims.map((c) => ({
            facility: operation.facility,
            claimId: `C${++next}`,
            content: c,
            decided: false,
          }));
          await submitFor(
            t,
            operation.facility,
            `B${++next}`,
            batch.map((c) => claimOf(c.claimId, c.content)),
          );
          sent.push(...batch);
          return;
        }
        if (operation.op === "mark") {
          // Always a later minute, so the job's rate limit never refuses it; at most a year in all.
          const days = advanced + operation.days <= 365 ? operation.days : 0;
          advanced += days;
          t.clock.advance(days * 86_400_000 + 60_000);
          const res = await t.json("POST", "/v1/jobs/mark-stuck");
          expect(res.status).toBe(200);
          marked += res.body.marked;
          return;
        }
        if (operation.op === "document") {
          const pending = sent.filter(
            (c) => !c.decided && (c.content.visitType === "inpatient" || c.content.procedure),
          );
          const target = pending[operation.pick % Math.max(1, pending.length)];
          if (!target) return;
          const res = await t.json("POST", `/v1/claims/${target.facility}/${target.claimId}/documents`, {
            body: { documents: [{ type: operation.type, reference: `GRV-${++next}` }] },
          });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          return;
        }
        if (operation.op === "move") {
          const [path, body] = MOVES[operation.step]!;
          expect((await t.json("PUT", path, { body })).status).toBe(200);
          return;
        }
        const open = sent.filter((c) => !c.decided);
        const target = open[operation.pick % Math.max(1, open.length)];
        if (!target) return;
        if (operation.op === "correct") {
          target.content = operation.content;
          await submitFor(t, target.facility, `B${++next}`, [claimOf(target.claimId, operation.content)]);
          return;
        }
        const detail = await t.json("GET", `/v1/claims/${target.facility}/${target.claimId}`);
        // A claim pending documentation may be denied, not approved.
        if (detail.body.status === "pending_documentation" && operation.outcome !== "denied") return;
        const less = operation.outcome === "approved for less" && Number(detail.body.amounts.insurance) > 0;
        const approvedAmount = less ? money(Math.floor(Number(detail.body.amounts.insurance) * 37)) : undefined;
        const res = await t.json("POST", `/v1/claims/${target.facility}/${target.claimId}/decision`, {
          body: {
            outcome: operation.outcome === "denied" ? "denied" : "approved",
            reason: "inspected",
            ...(less ? { approvedAmount } : {}),
          },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        target.decided = true;
      };
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { minLength: 3, maxLength: 14 }), async (operations) => {
          for (const operation of operations) await apply(operation);
          const { stored, recomputed } = await aggregates(t.db);
          expect(stored).toEqual(recomputed);
          // The mix reached the aggregates this test is for.
          expect(recomputed.spending.length).toBeGreaterThan(0);
        }),
        { numRuns: 10, seed: 20261205 },
      );
      expect(sent.some((c) => c.content.lines.length > 0)).toBe(true);
      const flagged = await t.db.prisma.$queryRawUnsafe<{ dup: number; mismatch: number }[]>(
        `SELECT count(*) FILTER (WHERE 'possible_duplicate' = ANY(flags))::int AS dup,
                count(*) FILTER (WHERE 'citizen_id_mismatch' = ANY(flags))::int AS mismatch FROM claim`,
      );
      expect(flagged[0]!.dup).toBeGreaterThan(0);
      expect(flagged[0]!.mismatch).toBeGreaterThan(0);
      // The mix reached the backlog's every state: stuck claims, and claims that left it with their paper.
      const [documents] = await t.db.prisma.$queryRawUnsafe<{ documented: number }[]>(
        `SELECT count(DISTINCT claim_ref)::int AS documented FROM claim_document`,
      );
      expect(marked, "claims marked stuck").toBeGreaterThan(0);
      expect(documents!.documented, "claims documented after they were sent").toBeGreaterThan(0);
    },
  );
});
