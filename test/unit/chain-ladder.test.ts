import { describe, expect, it } from "vitest";
import { projectYear, projectedUsageOf, type TriangleCell } from "../../src/domain/chain-ladder.ts";
import { fixed } from "../../src/domain/money.ts";

/**
 * A small triangle worked out by hand. Now is 2026-04-02 06:00 in Vietnam
 * (2026-04-01T23:00Z): 91.25 of 365 days, elapsed = 0.25 exactly; the
 * current month (April) is still filling, so the last complete receipt month
 * is March. Development is followed for two months (maxDelayMonths 2); a
 * three-month arrival folds into the last column.
 *
 * Incremental amounts by discharge month (rows) and delay (columns):
 *
 *             d0    d1    d2    d3   | cumulative C0   C1   C2 (d3 folded)
 *   2025-12  100    50    20    10   |             100  150  180
 *   2026-01  200    20     7         |             200  220  227
 *   2026-02  300    50    10*        |             300  350  360
 *   2026-03  400    40*              |             400  440
 *   2026-04   90*                    |              90
 *   (* received in April, the month in progress)
 *
 * Factors from complete pairs only (receipt month o + d + 1 before April):
 *   f0 = (150 + 220 + 350) / (100 + 200 + 300) = 720 / 600 = 1.2   (3 origins;
 *        a plain average of 1.5, 1.1, 1.1667 would be 1.2556)
 *   f1 = (180 + 227) / (150 + 220) = 407 / 370 = 1.1                (2 origins)
 * To ultimate: from column 0 -> 1.2 x 1.1 = 1.32; from column 1 -> 1.1; from 2 -> 1.
 *
 * Each month valued at the end of March (its complete column), never below what arrived:
 *   month  received  complete column  basis  x factor  developed
 *   Jan       227          2            227    1          227
 *   Feb       360          1            350    1.1        385
 *   Mar       440          0            400    1.32       528
 *   Apr        90       (current)        90    1.32       118.8
 *   total    1117                                        1258.8   not yet received 141.8
 *
 * Year end = 1258.8 / 0.25 = 5035.2 (not yet discharged 3776.4); against an
 * estimate of 5000: 1.00704 -> "1.0070". The pace method would say
 * 1117 / 0.25 / 5000 = 0.8936.
 */
const NOW = new Date("2026-04-01T23:00:00Z");
const RULES = { historyMonths: 6, minHistoryMonths: 3, maxDelayMonths: 2 };
const CELLS: TriangleCell[] = [
  { year: 2025, month: 12, delay: 0, amount: "100" },
  { year: 2025, month: 12, delay: 1, amount: "50" },
  { year: 2025, month: 12, delay: 2, amount: "20" },
  { year: 2025, month: 12, delay: 3, amount: "10" },
  { year: 2026, month: 1, delay: 0, amount: "200" },
  { year: 2026, month: 1, delay: 1, amount: "20" },
  { year: 2026, month: 1, delay: 2, amount: "7" },
  { year: 2026, month: 2, delay: 0, amount: "300" },
  { year: 2026, month: 2, delay: 1, amount: "50" },
  { year: 2026, month: 2, delay: 2, amount: "10" },
  { year: 2026, month: 3, delay: 0, amount: "400" },
  { year: 2026, month: 3, delay: 1, amount: "40" },
  { year: 2026, month: 4, delay: 0, amount: "90" },
];

describe("chain-ladder projection", () => {
  it("develops a hand-worked triangle to ultimate and adds the pace for the rest of the year", () => {
    const p = projectYear({ year: 2026, now: NOW, spent: "1117", cells: CELLS, rules: RULES });
    expect(p.method).toBe("chain_ladder");
    expect(p.fallbackReason).toBeNull();
    expect(p.historyMonths).toBe(3);
    expect(p.elapsed.toString()).toBe("0.25");
    expect(p.factors.map((f) => [f.fromDelay, f.toDelay, f.factor.toString(), f.origins])).toEqual([
      [0, 1, "1.2", 3],
      [1, 2, "1.1", 2],
    ]);
    expect(
      p.months.map((m) => [
        m.month,
        m.received.toString(),
        m.completeDelay,
        m.basis.toString(),
        m.toUltimate.toString(),
        m.developed.toString(),
      ]),
    ).toEqual([
      [1, "227", 2, "227", "1", "227"],
      [2, "360", 1, "350", "1.1", "385"],
      [3, "440", 0, "400", "1.32", "528"],
      [4, "90", null, "90", "1.32", "118.8"],
    ]);
    expect(p.received.toString()).toBe("1117");
    expect(p.notYetReceived.toString()).toBe("141.8");
    expect(p.projectedYearEnd!.toString()).toBe("5035.2");
    expect(p.notYetDischarged.toString()).toBe("3776.4");
    expect(fixed(projectedUsageOf(p, "5000")!, 4)).toBe("1.0070");
    expect(projectedUsageOf(p, null)).toBeNull();
    expect(projectedUsageOf(p, "0")).toBeNull();
  });

  it("never develops a month below what has already arrived", () => {
    // February's April arrivals of 60 instead of 10: received 410, more than 350 x 1.1 = 385.
    const cells = CELLS.map((c) => (c.year === 2026 && c.month === 2 && c.delay === 2 ? { ...c, amount: "60" } : c));
    const p = projectYear({ year: 2026, now: NOW, spent: "1167", cells, rules: RULES });
    expect(p.months[1]!.developed.toString()).toBe("410");
    expect(p.notYetReceived.toString()).toBe("116.8"); // 227 + 410 + 528 + 118.8 - 1167
  });

  it("falls back to the pace method, and says why, when history is shorter than the rule", () => {
    const p = projectYear({
      year: 2026,
      now: NOW,
      spent: "1117",
      cells: CELLS,
      rules: { ...RULES, minHistoryMonths: 4 },
    });
    expect(p.method).toBe("pace");
    expect(p.fallbackReason).toMatch(/3 month\(s\).*fewer than the 4/);
    expect(p.projectedYearEnd!.toString()).toBe("4468"); // 1117 / 0.25
    expect(p.notYetReceived.toString()).toBe("0");
    expect(p.notYetDischarged.toString()).toBe("3351");
    expect(fixed(projectedUsageOf(p, "5000")!, 4)).toBe("0.8936");
    // Nothing stored at all: pace on the spent amount.
    expect(
      projectYear({ year: 2026, now: NOW, spent: "100", cells: [], rules: RULES }).projectedYearEnd!.toString(),
    ).toBe("400");
  });

  it("drops history outside the window and counts no factor it cannot estimate", () => {
    // A window of 4 months (Dec..) loses nothing here; a window of 3 (Jan..) loses December:
    // f0 = (220 + 350) / (200 + 300) = 1.14, f1 = 227 / 220 (1 origin), history 2.
    const p = projectYear({
      year: 2026,
      now: NOW,
      spent: "0",
      cells: CELLS,
      rules: { historyMonths: 3, minHistoryMonths: 2, maxDelayMonths: 3 },
    });
    expect(p.historyMonths).toBe(2);
    expect(p.factors.map((f) => [f.factor.toString(), f.origins])).toEqual([
      ["1.14", 2],
      [new (p.factors[0]!.factor.constructor as any)(227).div(220).toString(), 1],
      ["1", 0],
    ]);
  });

  it("after the year ends, the year end is the developed amount: late arrivals of December still count", () => {
    // Every month of 2026: 100 in its own month, 10 a month later, 11 two months later (as far as received).
    const cells: TriangleCell[] = [];
    for (let m = 1; m <= 12; m++) {
      cells.push({ year: 2026, month: m, delay: 0, amount: "100" });
      if (m <= 11) cells.push({ year: 2026, month: m, delay: 1, amount: "10" });
      if (m <= 10) cells.push({ year: 2026, month: m, delay: 2, amount: "11" });
    }
    const rules = { historyMonths: 12, minHistoryMonths: 6, maxDelayMonths: 2 };
    // 2027-01-10: f0 from Jan..Nov (receipt o + 1 <= December) = 1210 / 1100 = 1.1;
    // f1 from Jan..Oct = (10 x 121) / (10 x 110) = 1.1.
    const p = projectYear({ year: 2026, now: new Date("2027-01-10T00:00:00Z"), spent: "1420", cells, rules });
    expect(p.method).toBe("chain_ladder");
    expect(p.factors.map((f) => f.factor.toString())).toEqual(["1.1", "1.1"]);
    expect(p.elapsed.toString()).toBe("1");
    // Valued at the end of December: Jan..Oct complete at 121; November 110 x 1.1; December 100 x 1.21.
    expect(
      p.months.slice(-3).map((m) => [m.month, m.completeDelay, m.basis.toString(), m.developed.toString()]),
    ).toEqual([
      [10, 2, "121", "121"],
      [11, 1, "110", "121"],
      [12, 0, "100", "121"],
    ]);
    expect(p.received.toString()).toBe("1420");
    expect(p.projectedYearEnd!.toString()).toBe("1452"); // 12 x 121
    expect(p.notYetReceived.toString()).toBe("32");
    expect(p.notYetDischarged.toString()).toBe("0");
  });

  it("has no year end before the year starts", () => {
    const p = projectYear({ year: 2027, now: NOW, spent: "0", cells: CELLS, rules: RULES });
    expect(p.projectedYearEnd).toBeNull();
    expect(projectedUsageOf(p, "1000")).toBeNull();
  });
});
