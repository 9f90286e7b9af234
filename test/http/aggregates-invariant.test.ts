import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/money.ts";
import { aggregates } from "../support/aggregates.ts";
import { useTestApp } from "../support/harness.ts";
import { stay, submitFor } from "../support/reports.ts";

const t = useTestApp();
const CSV = { "content-type": "text/csv" };

/** Two provinces that merge into the two others (see MOVES). */
const PROVINCES = [
  ["02", "Hà Giang"],
  ["08", "Tuyên Quang"],
  ["14", "Sơn La"],
  ["79", "Hồ Chí Minh"],
] as const;
const FACILITIES = ["02001", "02002", "14001"] as const;

/**
 * Each facility's catalogues, loaded before any claim: 02001 has all four, 02002 only services and staff, 14001 only
 * drugs and supplies (a kind without a catalogue is not checked). Drug 40.2 is listed only to 30 June 2025, so the
 * line's day matters.
 */
const CATALOGUES: [facility: string, kind: string, rows: string[]][] = [
  ...["02001", "14001"].map((facility): [string, string, string[]] => [
    facility,
    "drugs",
    [
      "MA_THUOC,TEN_THUOC,DON_GIA_BH,TT_THAU,TU_NGAY,DEN_NGAY",
      "40.1,Thuốc A,10000,20.00;G1;N1;2025,20250101,",
      "40.2,Thuốc B,5000,,20250101,20250630",
    ],
  ]),
  ...["02001", "14001"].map((facility): [string, string, string[]] => [
    facility,
    "supplies",
    ["MA_VAT_TU,TEN_VAT_TU,DON_GIA_BH,TU_NGAY,DEN_NGAY", "N03.01,Bơm tiêm 5ml,1500,20250101,"],
  ]),
  ...["02001", "02002"].map((facility): [string, string, string[]] => [
    facility,
    "services",
    [
      "MA_DICH_VU,TEN_DICH_VU,DON_GIA,BAO_GOM_VTYT,TU_NGAY,DEN_NGAY",
      "02.1896,Khám Nội,42100,0,20250101,",
      "K03.1901,Ngày giường Nội khoa loại 2,199100,0,20250101,",
      "02.1900.0216,Nội soi dạ dày - tá tràng,256000,1,20250101,",
      "18.0001,Siêu âm ổ bụng,40000,0,20250101,",
    ],
  ]),
  ...["02001", "02002"].map((facility): [string, string, string[]] => [
    facility,
    "staff",
    [
      "MACCHN,HO_TEN,TU_NGAY,DEN_NGAY",
      "000123/HNO-CCHN,Bác sĩ Một,20250101,",
      "000456/HNO-CCHN,Bác sĩ Hai,20250101,20250531",
    ],
  ]),
];

/**
 * Items several claims share, some claims twice, with their kind, cost group and a base price (the approved one
 * where listed): listed or not, under a tender or not; two examination fees (cost group 13), one listed nowhere.
 */
const ITEMS = [
  ["drug", "40.1", "4", 10000],
  ["drug", "40.2", "4", 5000],
  ["drug", "40.9", "4", 7000],
  ["supply", "N03.01", "10", 1500],
  ["supply", "N09.99", "10", 900],
  ["service", "02.1896", "13", 42100],
  ["service", "K03.1901", "15", 199100],
  ["service", "02.1900.0216", "3", 256000],
  ["service", "18.0001", "2", 40000],
  ["service", "VC.001", "12", 50000],
  ["service", "22.0120.1370", "13", 38700],
] as const;
/**
 * Discharges on both sides of the mergers' instants (July and August 2025, Vietnam time), and in the next year (a
 * correction may move a claim from one year to another).
 */
const DISCHARGES = [
  "2025-05-03T03:00:00Z",
  "2025-06-30T16:59:59Z",
  "2025-07-01T05:00:00Z",
  "2025-08-15T03:00:00Z",
  "2026-01-10T03:00:00Z",
];
/** Province records that move stored claims: mergers made, moved, undone; a facility recorded elsewhere. */
const MOVES: [string, object][] = [
  ["/v1/provinces/02", { name: "Hà Giang", successorCode: "08", mergedAt: "2025-07-01T00:00:00+07:00" }],
  ["/v1/provinces/14", { name: "Sơn La", successorCode: "79", mergedAt: "2025-08-01T00:00:00+07:00" }],
  ["/v1/provinces/02", { name: "Hà Giang", mergedAt: null }],
  ["/v1/facilities/02002", { name: "b", provinceCode: "02" }],
  ["/v1/facilities/02002", { name: "b", provinceCode: "14" }],
];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A line that may break rules: a price above the approved one (DON_GIA, or DON_GIA_BH when sent), an item not
 * listed or under another tender, an order outside the stay or executed before it, a practitioner without a
 * certificate, a supply used in a service whose price includes supplies; beds and examinations as they come. Its
 * amount is quantity × price, or one of its own of any cents (none too), as some hospitals send.
 */
const line = fc.record({
  // Examination fees (either) and beds twice as often: two of them on one stay is what their rules are about.
  item: fc.constantFrom(0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 8, 9, 10, 10),
  quantity: fc.constantFrom("1", "2", "1.5", "0.25", "4"),
  priceFactor: fc.constantFrom("1", "1.2", "0.9"),
  cents: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 5_000_000 })),
  insuredFactor: fc.constantFrom(null, "1", "1.1"),
  fundShare: fc.constantFrom("1", "0.8", "0.95", "0"),
  ordered: fc.constantFrom(null, "inside", "before", "after"),
  executed: fc.constantFrom(null, "later", "earlier"),
  orderedBy: fc.constantFrom(null, "000123/HNO-CCHN", "000456/HNO-CCHN", "999999/HNO-CCHN"),
  bidInfo: fc.constantFrom(null, "20.00;G1;N1;2025", "20.00;G1;N1;2024"),
  serviceCode: fc.constantFrom(null, "02.1900.0216", "18.0001"),
});
/**
 * A claim's content: its discharge, stay and visit (MA_LOAI_KCB, result and discharge kind when sent; inpatient and
 * day-treatment stays wait for their discharge paper), its lines (none: it counts as unspecified, in no item, and
 * has nothing to assess), its patient (one shared by several claims: their stays overlap, so they are flagged
 * possible duplicates, and the shared citizen ID disagrees with the birth date), an operation (it waits for its
 * surgery certificate too), and a drugs total that does not match its drug lines.
 */
const content = fc.record({
  discharge: fc.constantFrom(...DISCHARGES),
  // Stays too short for a bed day (4 hours), of one bed day, of two or three, of three or four.
  hours: fc.constantFrom(1, 3.5, 12, 30, 74),
  visitType: fc.constantFrom("outpatient", "emergency", "inpatient", "inpatient", "day_treatment"),
  visitCode: fc.constantFrom(null, "01", "02", "03"),
  // No discharge kind 3, which would spare a stay its discharge paper.
  ending: fc.constantFrom(null, ["3", "2"], ["1", "1"]),
  lines: fc.array(line, { maxLength: 6 }),
  patient: fc.constantFrom("own", "shared"),
  procedure: fc.boolean(),
  drugsOff: fc.boolean(),
});
const SHARED_PATIENT = { cardNumber: "DN4010000000001", citizenId: "001081000001" };

const operation = fc.oneof(
  // Batches twice as often as the rest: the claims are what the other operations act on and the rules assess.
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("send" as const),
      facility: fc.constantFrom(...FACILITIES),
      claims: fc.array(content, { minLength: 1, maxLength: 3 }),
    }),
  },
  fc.record({ op: fc.constant("correct" as const), pick: fc.nat(), content }),
  fc.record({
    op: fc.constant("decide" as const),
    pick: fc.nat(),
    outcome: fc.constantFrom("approved", "denied", "approved for less", "approved as proposed", "approved as proposed"),
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
type LineSpec = Content["lines"][number];

const iso = (at: number) => new Date(at).toISOString();
/** Whether a claim of `spec` waits for a document after it arrives. */
const needsPaper = (spec: Content) =>
  spec.visitType === "inpatient" || spec.visitType === "day_treatment" || spec.procedure;

/** One line as sent: THANH_TIEN_BV (or its own), T_BHTT its share (cents down), its times by the stay's. */
function lineOf(spec: LineSpec, admitted: number, discharged: number) {
  const [kind, itemCode, costGroup, base] = ITEMS[spec.item]!;
  const unitPrice = new Dec(base).times(spec.priceFactor);
  const amount = spec.cents === null ? unitPrice.times(spec.quantity).toDecimalPlaces(2) : new Dec(spec.cents).div(100);
  const orderedAt = { inside: admitted + 30 * MINUTE, before: admitted - 2 * HOUR, after: discharged + HOUR };
  const ordered = spec.ordered === null ? null : orderedAt[spec.ordered];
  const executed =
    spec.executed === null ? null : (ordered ?? admitted) + (spec.executed === "later" ? 1 : -1) * 15 * MINUTE;
  return {
    kind,
    itemCode,
    costGroup,
    quantity: spec.quantity,
    unitPrice: unitPrice.toString(),
    amount: amount.toFixed(2),
    insurance: amount.times(spec.fundShare).toDecimalPlaces(2, Dec.ROUND_DOWN).toFixed(2),
    ...(ordered === null ? {} : { orderedAt: iso(ordered) }),
    ...(executed === null ? {} : { executedAt: iso(executed) }),
    ...(spec.insuredFactor === null ? {} : { insuredPrice: new Dec(base).times(spec.insuredFactor).toString() }),
    ...(spec.orderedBy === null ? {} : { orderedBy: spec.orderedBy }),
    ...(spec.bidInfo === null ? {} : { bidInfo: spec.bidInfo }),
    ...(spec.serviceCode === null ? {} : { serviceCode: spec.serviceCode }),
  };
}

/** A claim of `content` whose totals are its lines' sums (an amount of its own when it has none). */
function claimOf(claimId: string, spec: Content) {
  const discharged = Date.parse(spec.discharge);
  const admitted = discharged - spec.hours * HOUR;
  const lines = spec.lines.map((one) => lineOf(one, admitted, discharged));
  const sum = (pick: (one: (typeof lines)[number]) => string) =>
    lines.reduce((total, one) => total.plus(pick(one)), new Dec(0));
  const [total, insurance] = lines.length
    ? [sum((one) => one.amount), sum((one) => one.insurance)]
    : [new Dec(100_000), new Dec(80_000)];
  const drugs = sum((one) => (one.kind === "drug" ? one.amount : "0"));
  const claim = stay(claimId, spec.discharge, insurance.toFixed(2), {
    admittedAt: iso(admitted),
    lines,
    visitType: spec.visitType,
    procedure: spec.procedure,
    ...(spec.visitCode ? { visitCode: spec.visitCode } : {}),
    ...(spec.ending ? { treatmentResult: spec.ending[0], dischargeKind: spec.ending[1] } : {}),
    ...(spec.patient === "shared" ? { patient: SHARED_PATIENT } : {}),
  });
  return {
    ...claim,
    amounts: {
      total: total.toFixed(2),
      insurance: insurance.toFixed(2),
      patient: total.minus(insurance).toFixed(2),
      other: "0",
      ...(spec.drugsOff ? { drugs: drugs.plus(1).toFixed(2) } : {}),
    },
  };
}

/** Rows as sorted strings, each column named (rows are read as objects). */
async function rows(sql: string) {
  return (await t.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql))
    .map((row) => Object.values(row).map(String).join("|"))
    .sort();
}

/**
 * The proposed cuts as stored (rows of zeros left out), and as the claims' stored findings say: by province, year,
 * month, facility and rule, the claims with a finding of the rule, its findings, what they cut, and what they cut of
 * claims not decided (neither approved nor denied).
 */
async function cuts() {
  return {
    stored: await rows(
      `SELECT province_code, year, month, facility_code, rule_code, claims, findings, amount::text AS amount,
         open_amount::text AS open_amount FROM assessment_cut
       WHERE claims <> 0 OR findings <> 0 OR amount <> 0 OR open_amount <> 0`,
    ),
    fromClaims: await rows(
      `SELECT c.province_code, c.year, c.month, c.facility_code, f.value->>'code' AS rule_code,
         count(DISTINCT c.id)::int AS claims, count(*)::int AS findings,
         sum((f.value->>'amount')::numeric)::numeric(18,2)::text AS amount,
         coalesce(sum((f.value->>'amount')::numeric) FILTER (WHERE c.status::text NOT IN ('approved', 'denied')), 0)
           ::numeric(18,2)::text AS open_amount
       FROM claim c CROSS JOIN LATERAL jsonb_array_elements(c.findings) f
       GROUP BY 1, 2, 3, 4, 5`,
    ),
  };
}

describe("the aggregates after random mixes of batches, corrections, decisions, documents, stuck marking and mergers", () => {
  it(
    "spending, its detail, cost groups, items, the reports' tallies and delays, the backlog's tally, the arrival " +
      "triangle and the proposed cuts (by rule, open or not) equal what the claims say",
    { timeout: 300_000 },
    async () => {
      for (const [code, name] of PROVINCES) await t.json("PUT", `/v1/provinces/${code}`, { body: { name } });
      for (const facility of FACILITIES)
        await t.json("PUT", `/v1/facilities/${facility}`, { body: { name: facility } });
      for (const [facility, kind, lines] of CATALOGUES) {
        const res = await t.json("PUT", `/v1/facilities/${facility}/catalogues/${kind}`, {
          body: `${lines.join("\n")}\n`,
          headers: CSV,
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
      t.clock.set("2026-01-20T03:00:00Z");
      // Claims sent so far, by facility and claimId; those decided can no longer change.
      const sent: { facility: string; claimId: string; content: Content; decided: boolean }[] = [];
      // What the mix reached: decisions at a proposed amount below the claimed one, cuts counted in a successor.
      let approvedAsProposed = 0;
      let cutsInSuccessors = 0;
      let next = 0;
      let advanced = 0;
      let marked = 0;
      const apply = async (operation: Operation) => {
        if (operation.op === "send") {
          const batch = operation.claims.map((spec) => ({
            facility: operation.facility,
            claimId: `C${++next}`,
            content: spec,
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
          t.clock.advance(days * DAY + MINUTE);
          const res = await t.json("POST", "/v1/jobs/mark-stuck");
          expect(res.status).toBe(200);
          marked += res.body.marked;
          return;
        }
        if (operation.op === "document") {
          const pending = sent.filter((c) => !c.decided && needsPaper(c.content));
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
        if (operation.op === "correct") {
          const target = open[operation.pick % Math.max(1, open.length)];
          if (!target) return;
          target.content = operation.content;
          await submitFor(t, target.facility, `B${++next}`, [claimOf(target.claimId, operation.content)]);
          return;
        }
        // A claim pending documentation may be denied, not approved: approvals go to the others.
        const waiting = new Set(
          await rows(
            `SELECT facility_code || '/' || claim_id AS claim FROM claim WHERE status = 'pending_documentation'`,
          ),
        );
        const candidates =
          operation.outcome === "denied" ? open : open.filter((c) => !waiting.has(`${c.facility}/${c.claimId}`));
        const target = candidates[operation.pick % Math.max(1, candidates.length)];
        if (!target) return;
        const detail = await t.json("GET", `/v1/claims/${target.facility}/${target.claimId}`);
        const { insurance, proposed } = detail.body.amounts;
        const approvedAmount =
          operation.outcome === "approved as proposed"
            ? "proposed"
            : operation.outcome === "approved for less" && new Dec(insurance).greaterThan(0)
              ? new Dec(insurance).times("0.37").toDecimalPlaces(2, Dec.ROUND_DOWN).toFixed(2)
              : undefined;
        const res = await t.json("POST", `/v1/claims/${target.facility}/${target.claimId}/decision`, {
          body: {
            outcome: operation.outcome === "denied" ? "denied" : "approved",
            reason: "inspected",
            ...(approvedAmount ? { approvedAmount } : {}),
          },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        if (approvedAmount === "proposed") {
          // Exactly the proposed amount, which is the claimed one less the findings' cuts.
          expect(res.body.amounts.approved).toBe(proposed);
          if (new Dec(proposed).lessThan(insurance)) approvedAsProposed += 1;
        }
        target.decided = true;
      };
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { minLength: 3, maxLength: 14 }), async (operations) => {
          for (const operation of operations) await apply(operation);
          // Spending and the other aggregates, which a decision at the proposed amount moves too.
          const { stored, recomputed } = await aggregates(t.db);
          expect(stored).toEqual(recomputed);
          // The mix reached the aggregates this test is for.
          expect(recomputed.spending.length).toBeGreaterThan(0);
          const proposedCuts = await cuts();
          expect(proposedCuts.stored).toEqual(proposedCuts.fromClaims);
          // Every claim's findings cut exactly its claimed amount less its proposed one.
          const off = await rows(
            `SELECT count(*)::int AS off FROM claim c WHERE c.proposed_amount IS NULL OR
               c.insurance_amount - c.proposed_amount <>
                 (SELECT coalesce(sum((f.value->>'amount')::numeric), 0) FROM jsonb_array_elements(c.findings) f)`,
          );
          expect(off).toEqual(["0"]);
          cutsInSuccessors += proposedCuts.stored.filter((row) => /^(08|79)\|/.test(row)).length;
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
      // The mix reached the automated assessment: cuts of most rules, open and decided, moved by mergers.
      const reached = await t.db.prisma.$queryRawUnsafe<{ rules: number; decided: number; open: number }[]>(
        `SELECT count(DISTINCT rule_code) FILTER (WHERE amount > 0)::int AS rules,
                count(*) FILTER (WHERE amount > open_amount)::int AS decided,
                count(*) FILTER (WHERE open_amount > 0)::int AS open
         FROM assessment_cut`,
      );
      expect(reached[0]!.rules, "rules that cut").toBeGreaterThanOrEqual(5);
      const found = await rows(`SELECT DISTINCT rule_code FROM assessment_cut WHERE findings > 0`);
      expect(found, "rules with findings").toEqual(t.rules.assessment.rules.map((rule) => rule.code).sort());
      expect(reached[0]!.decided, "cuts of decided claims").toBeGreaterThan(0);
      expect(reached[0]!.open, "cuts of open claims").toBeGreaterThan(0);
      expect(approvedAsProposed, "claims approved at a proposed amount below the claimed one").toBeGreaterThan(0);
      expect(cutsInSuccessors, "cuts counted in a merged province's successor").toBeGreaterThan(0);
    },
  );
});
