import { describe, expect, it } from "vitest";
import { claim } from "../support/claims.ts";
import { useTestApp } from "../support/harness.ts";

const t = useTestApp();

describe("parallel batches on PostgreSQL", () => {
  it("several facilities of one province sending at once: the total is exact, nothing lost, nothing doubled", async () => {
    await t.json("PUT", "/v1/provinces/01", { body: { name: "Hà Nội" } });
    const facilities = ["01001", "01002", "01003", "01004", "01005", "01006"];
    const keys: string[] = [];
    for (const code of facilities) {
      await t.json("PUT", `/v1/facilities/${code}`, { body: { name: `BV ${code}` } });
      keys.push(await t.key("facility", code));
    }
    await t.json("PUT", "/v1/provinces/01/estimates/2026", { body: { amount: "100000000" } });

    // Each facility sends 4 batches of 50 claims; every third batch also corrects claims of its previous batch.
    const requests = facilities.flatMap((code, f) =>
      Array.from({ length: 4 }, (_, b) => {
        const body = Array.from({ length: 50 }, (_, i) =>
          claim(
            {
              claimId: `${code}-${b}-${i}`,
              patient: { cardNumber: `DN401${f}${b}${String(i).padStart(8, "0")}` },
              amounts: { total: "1000.50", insurance: "1000.50", patient: "0" },
            },
            i,
          ),
        );
        if (b > 0 && b % 3 === 0)
          for (let i = 0; i < 10; i++)
            body.push(
              claim(
                {
                  claimId: `${code}-${b - 1}-${i}`,
                  patient: { cardNumber: `DN401${f}${b - 1}${String(i).padStart(8, "0")}` },
                  amounts: { total: "2000", insurance: "2000", patient: "0" },
                },
                i,
              ),
            );
        return () => t.json("POST", "/v1/batches", { key: keys[f]!, body: { batchId: `${code}-b${b}`, claims: body } });
      }),
    );
    // Everything twice, interleaved: the replays must not double anything.
    const responses = await Promise.all([...requests, ...requests].map((send) => send()));
    expect(responses.filter((r) => r.status !== 200 && r.status !== 201).map((r) => r.body)).toEqual([]);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(requests.length);

    const claims = await t.db.prisma.claim.count();
    expect(claims).toBe(6 * 4 * 50);
    // Which version of a corrected claim wins depends on arrival order; the totals must match the claims either way.
    const [sum] = await t.db.prisma.$queryRawUnsafe<{ s: string }[]>(
      "SELECT sum(insurance_amount)::text AS s FROM claim",
    );
    const expected = sum!.s;
    const [row] = await t.db.prisma.$queryRawUnsafe<{ spent: string; n: number }[]>(
      "SELECT spent::text AS spent, claim_count AS n FROM spending WHERE province_code = '01' AND year = 2026",
    );
    expect(row).toEqual({ spent: expected, n: 1200 });
    const [detail] = await t.db.prisma.$queryRawUnsafe<{ s: string }[]>(
      "SELECT sum(spent)::text AS s FROM spending_detail WHERE province_code = '01' AND year = 2026",
    );
    expect(detail!.s).toBe(expected);
    // 1,260,600 of 100,000,000 is far below 85%: no alert.
    expect(await t.db.prisma.alert.count()).toBe(0);
  });
});
