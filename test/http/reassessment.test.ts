import { describe, expect, it } from "vitest";
import { reassessPending } from "../../src/assessment/reassess.ts";
import { claim } from "../support/claims.ts";
import { seedReference, useTestApp } from "../support/harness.ts";

const t = useTestApp();
const CSV = { "content-type": "text/csv" };

/** The facility's drug list: one drug, at `price` from 2026-01-01 on. */
const drugs = (price: string) =>
  t.json("PUT", "/v1/facilities/01001/catalogues/drugs", {
    body: `MA_THUOC,TEN_THUOC,DON_GIA_BH,TU_NGAY,DEN_NGAY\nD1,Thuốc một,${price},20260101,\n`,
    headers: CSV,
  });

/** A claim of 280,000 whose one drug line is billed at 1,000 a unit, 10 units, the fund paying 8,000 of them. */
const withDrug = (n: number) =>
  claim(
    {
      claimId: `R${n}`,
      patient: { cardNumber: `DN401${String(3000000000 + n)}` },
      amounts: { total: "350000", insurance: "280000", patient: "70000" },
      lines: [
        {
          kind: "drug",
          itemCode: "D1",
          costGroup: "4",
          quantity: "10",
          unitPrice: "1000",
          amount: "10000",
          insurance: "8000",
          orderedAt: "2026-06-14T09:00:00+07:00",
        },
        {
          kind: "service",
          itemCode: "S1",
          costGroup: "13",
          quantity: "1",
          unitPrice: "340000",
          amount: "340000",
          insurance: "272000",
        },
      ],
    },
    n,
  );

async function cutRows() {
  return t.db.sql.query<{ rule_code: string; claims: number; findings: number; amount: string; open: string }>(
    `SELECT rule_code, claims, findings, amount::text, open_amount::text AS open FROM assessment_cut
     WHERE amount <> 0 OR open_amount <> 0 OR claims <> 0 ORDER BY rule_code`,
  );
}

const deps = () => ({ db: t.db, clock: t.clock, rules: t.rules });

describe("re-assessment after a catalogue change", () => {
  it("assesses undecided claims again in resumable chunks, moving the proposed cuts by the difference", async () => {
    await seedReference(t);
    await t.json("PUT", "/v1/provinces/01/estimates/2026", { body: { amount: "100000000" } });
    expect((await drugs("900")).status).toBe(201);
    const facility = await t.key("facility", "01001");
    const sent = await t.json("POST", "/v1/batches", {
      key: facility,
      body: { batchId: "b1", claims: [withDrug(1), withDrug(2), withDrug(3)] },
    });
    expect(sent.status).toBe(201);
    // 1000 billed against 900 approved: 8000 × 100/1000 = 800 cut from each claim.
    expect(sent.body.claims.map((result: any) => result.assessment)).toEqual(
      Array(3).fill({ findings: 1, cut: "800", proposedAmount: "279200" }),
    );
    const decided = await t.json("POST", "/v1/claims/01001/R3/decision", {
      body: { outcome: "approved", approvedAmount: "proposed", reason: "as proposed" },
    });
    expect(decided.body.amounts.approved).toBe("279200");
    expect(await cutRows()).toEqual([
      { rule_code: "PRICE_ABOVE_APPROVED", claims: 3, findings: 3, amount: "2400.00", open: "1600.00" },
    ]);

    // The price was 950 from the start: the reload changes the entry retroactively.
    const reload = await drugs("950");
    expect(reload.status).toBe(200);
    // One claim per chunk, one chunk per run: the job resumes where the last run stopped.
    const first = await reassessPending(deps(), { chunk: 1, maxChunks: 1 });
    expect(first).toEqual({ started: 1, finished: 0, assessed: 1, changed: 1, pending: 1 });
    // Half-way, the figures are exact: R1 now cuts 8000 × 50/1000 = 400, R2 still 800, R3 (decided) keeps its 800.
    expect(await cutRows()).toEqual([
      { rule_code: "PRICE_ABOVE_APPROVED", claims: 3, findings: 3, amount: "2000.00", open: "1200.00" },
    ]);
    const rest = await t.json("POST", "/v1/jobs/reassess");
    expect(rest.body).toEqual({ started: 0, finished: 1, assessed: 1, changed: 1, pending: 0 });
    expect(await cutRows()).toEqual([
      { rule_code: "PRICE_ABOVE_APPROVED", claims: 3, findings: 3, amount: "1600.00", open: "800.00" },
    ]);

    const r1 = await t.json("GET", "/v1/claims/01001/R1", { key: facility });
    expect(r1.body.amounts.proposed).toBe("279600");
    expect(r1.body.findings).toEqual([
      expect.objectContaining({ code: "PRICE_ABOVE_APPROVED", action: "cut_excess", line: 0, amount: "400" }),
    ]);
    const kept = r1.body.history.find((entry: any) => entry.kind === "assessment");
    expect(kept.data.proposedAmount).toBe("279200.00");
    expect((await t.json("GET", "/v1/claims/01001/R3")).body.amounts.proposed).toBe("279200");
    // Spending counts claimed amounts until decided: re-assessment moves none of it.
    const usage = await t.json("GET", "/v1/provinces/01/usage?year=2026");
    expect(usage.body.spent).toBe(String(280000 * 2 + 279200));
    expect(usage.body.proposedCuts).toBe("800");

    // At 1000 nothing is above the approved price: the findings go, and their cuts with them.
    await drugs("1000");
    expect(await reassessPending(deps())).toEqual({ started: 1, finished: 1, assessed: 2, changed: 2, pending: 0 });
    expect(await cutRows()).toEqual([
      { rule_code: "PRICE_ABOVE_APPROVED", claims: 1, findings: 1, amount: "800.00", open: "0.00" },
    ]);
    expect((await t.json("GET", "/v1/claims/01001/R2")).body.findings).toEqual([]);
    // Nothing changed since: a run finds no job.
    expect(await reassessPending(deps())).toEqual({ started: 0, finished: 0, assessed: 0, changed: 0, pending: 0 });
  });

  it("is for central keys only", async () => {
    await seedReference(t);
    const province = await t.key("province", "01");
    expect((await t.json("POST", "/v1/jobs/reassess", { key: province })).status).toBe(403);
  });
});
