import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ageBuckets, bucketByAge, stuckCutoff } from "../../src/domain/backlog.ts";
import { Dec } from "../../src/domain/money.ts";

describe("when a pending claim is stuck", () => {
  it("after the rule's number of 24-hour days; 0 means now", () => {
    const now = new Date("2026-07-15T03:00:00Z");
    expect(stuckCutoff(now, 30).toISOString()).toBe("2026-06-15T03:00:00.000Z");
    expect(stuckCutoff(now, 0).toISOString()).toBe(now.toISOString());
    // Across New Year in Vietnam time nothing shifts: no daylight saving.
    expect(stuckCutoff(new Date("2027-01-10T00:00:00Z"), 365).toISOString()).toBe("2026-01-10T00:00:00.000Z");
  });
});

describe("the backlog's age buckets", () => {
  it("follow the rules' lower bounds, the last open-ended", () => {
    expect(ageBuckets([0, 30, 60, 90])).toEqual([
      { fromDays: 0, toDays: 30 },
      { fromDays: 30, toDays: 60 },
      { fromDays: 60, toDays: 90 },
      { fromDays: 90, toDays: null },
    ]);
  });

  it("start at 0 even when the rules start later, and ignore order and repeats", () => {
    expect(ageBuckets([60, 30, 30])).toEqual([
      { fromDays: 0, toDays: 30 },
      { fromDays: 30, toDays: 60 },
      { fromDays: 60, toDays: null },
    ]);
    expect(ageBuckets([0])).toEqual([{ fromDays: 0, toDays: null }]);
  });

  it("put a claim on a bound into the bucket that starts there, and sum amounts exactly", () => {
    const groups = [
      { days: 29, count: 1, amount: "0.10" },
      { days: 30, count: 2, amount: "0.20" },
      { days: 59, count: 1, amount: "1000000000000.01" },
      { days: 90, count: 1, amount: "5" },
      { days: 4000, count: 3, amount: "7" },
    ];
    expect(bucketByAge([0, 30, 60, 90], groups)).toEqual([
      { fromDays: 0, toDays: 30, count: 1, amount: "0.10" },
      { fromDays: 30, toDays: 60, count: 3, amount: "1000000000000.21" },
      { fromDays: 60, toDays: 90, count: 0, amount: "0" },
      { fromDays: 90, toDays: null, count: 4, amount: "12" },
    ]);
  });

  it("counts a pending-since after the as-of time as 0 days", () => {
    expect(bucketByAge([0, 30], [{ days: -2, count: 1, amount: "1" }])[0]).toMatchObject({ count: 1, amount: "1" });
  });

  it("always add up to the totals, whatever the bounds and ages", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 6 }),
        fc.array(
          fc.record({
            days: fc.integer({ min: -5, max: 1000 }),
            count: fc.integer({ min: 1, max: 50 }),
            cents: fc.bigInt({ min: 0n, max: 10n ** 15n }),
          }),
          { maxLength: 30 },
        ),
        (bounds, raw) => {
          const groups = raw.map((g) => ({
            days: g.days,
            count: g.count,
            amount: new Dec(g.cents.toString()).div(100).toString(),
          }));
          const buckets = bucketByAge(bounds, groups);
          expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(groups.reduce((n, g) => n + g.count, 0));
          expect(
            buckets
              .reduce((s, b) => s.plus(b.amount), new Dec(0))
              .eq(groups.reduce((s, g) => s.plus(g.amount), new Dec(0))),
          ).toBe(true);
          // Contiguous from 0, each ending where the next starts.
          expect(buckets[0]!.fromDays).toBe(0);
          buckets.forEach((b, i) => expect(b.toDays).toBe(buckets[i + 1]?.fromDays ?? null));
        },
      ),
    );
  });
});
