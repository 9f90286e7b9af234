import { describe, expect, it } from "vitest";
import { lockSpending, raiseAlerts } from "../../src/alerts/evaluate.ts";
import { prismaSession } from "../../src/db/client.ts";
import { defaultRules } from "../../src/rules/schema.ts";
import { seedReference, useTestApp } from "../support/harness.ts";
import { addSpendingIn, setEstimate } from "../support/spending.ts";

const t = useTestApp({
  rules: () => {
    const rules = defaultRules();
    rules.usage.thresholds = [
      { ratio: "0.5", severity: "warning" },
      { ratio: "0.85", severity: "high" },
    ];
    return rules;
  },
});
const Y = 2025; // a finished year: a projected_overrun only at 100%
const TX = { maxWait: 30_000, timeout: 30_000 };

describe("alerts under concurrent spending (PostgreSQL)", () => {
  it(
    "many transactions crossing at once raise exactly one live alert per threshold, with the figures of the " +
      "crossing",
    async () => {
      await seedReference(t);
      await setEstimate(t, "01", Y, "200");
      await t.db.prisma.spending.create({ data: { provinceCode: "01", year: Y } });

      // 24 transactions each add 10: 100 is the 10th, 170 the 17th, 200 the 20th.
      const keys = [{ provinceCode: "01", year: Y }];
      const results = await Promise.allSettled(
        Array.from({ length: 24 }, () =>
          t.db.prisma.$transaction(async (tx) => {
            await lockSpending(prismaSession(tx), keys);
            // Hold the lock a moment so the others pile up behind it.
            await tx.$executeRaw`SELECT pg_sleep(0.005)`;
            await tx.$executeRaw`UPDATE spending SET spent = spent + 10 WHERE province_code = '01' AND year = ${Y}`;
            await raiseAlerts(prismaSession(tx), t, keys, t.clock.now());
          }, TX),
        ),
      );
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);

      const spending = await t.db.prisma.spending.findUniqueOrThrow({
        where: { provinceCode_year: { provinceCode: "01", year: Y } },
      });
      expect(spending.spent.toString()).toBe("240");
      const alerts = await t.db.prisma.alert.findMany({ orderBy: [{ kind: "asc" }, { threshold: "asc" }] });
      expect(
        alerts.map((a) => [a.kind, a.threshold?.toString() ?? null, a.spentAtRaise.toString(), a.liveKey !== null]),
      ).toEqual([
        ["usage_threshold", "0.5", "100", true],
        ["usage_threshold", "0.85", "170", true],
        ["projected_overrun", "1", "200", true],
      ]);
    },
  );

  it("spending and an estimate cut that cross only together raise the alert, whichever commits last", async () => {
    await seedReference(t);
    // Each round: estimate 1,000, spent 800 (0.80). A batch adds 30 (0.83 alone)
    // while central cuts 30 (0.8247 alone); together 830 / 970 = 0.8557.
    const setUp = async (year: number) => {
      await setEstimate(t, "01", year, "1000");
      await t.db.prisma.$transaction((tx) =>
        addSpendingIn(tx, t, [{ provinceCode: "01", year, facilityCode: "01001", spent: "800" }]),
      );
    };
    const cut = (year: number) =>
      t
        .json("POST", `/v1/provinces/01/estimates/${year}/adjustments`, {
          body: { amount: "-30", reason: "reallocation" },
        })
        .then((r) => expect(r.status).toBe(201));
    const batch = (year: number, holdSeconds = 0, evaluated?: () => void) =>
      t.db.prisma.$transaction(async (tx) => {
        await addSpendingIn(tx, t, [{ provinceCode: "01", year, facilityCode: "01001", spent: "30" }]);
        evaluated?.();
        // Still holding the spending row lock, with its own evaluation done against the old estimate.
        if (holdSeconds) await tx.$executeRaw`SELECT pg_sleep(${holdSeconds})`;
      }, TX);

    // 1. The batch has evaluated (no crossing yet) and holds its lock when the cut
    //    arrives: the cut must wait for the batch's spending and then raise.
    await setUp(2001);
    let evaluated!: () => void;
    const ready = new Promise<void>((resolve) => (evaluated = resolve));
    const held = batch(2001, 0.3, evaluated);
    await ready;
    await Promise.all([held, cut(2001)]);

    // 2. The cut first, then the batch: the batch sees the committed cut.
    await setUp(2002);
    await cut(2002);
    await batch(2002);

    // 3. Both at once, several times over, in whatever order PostgreSQL picks.
    const years = Array.from({ length: 10 }, (_, i) => 2010 + i);
    for (const year of years) await setUp(year);
    expect(await t.db.prisma.alert.count({ where: { threshold: "0.85", year: { in: years } } })).toBe(0);
    await Promise.all(years.flatMap((year) => [batch(year), cut(year)]));

    const alerts = await t.db.prisma.alert.findMany({ where: { threshold: "0.85" }, orderBy: { year: "asc" } });
    expect(alerts.map((a) => [a.year, a.spentAtRaise.toString(), a.estimateAtRaise?.toString()])).toEqual(
      [2001, 2002, ...years].map((year) => [year, "830", "970"]),
    );
  });
});
