import type { Prisma } from "../generated/prisma/client.ts";
import type { Contribution } from "./contribution.ts";

type Tx = Prisma.TransactionClient;

export interface ProvinceYear {
  provinceCode: string;
  year: number;
}

/**
 * Adds netted deltas to the running totals: two statements whatever the
 * number of claims. The upsert on `spending` row-locks each province-year
 * until the transaction ends, which is what lets the caller decide threshold
 * crossings without a race. Returns the province-years touched, in lock order.
 */
export async function applySpending(tx: Tx, deltas: Contribution[]): Promise<ProvinceYear[]> {
  if (deltas.length === 0) return [];
  const totals = new Map<string, Contribution>();
  for (const d of deltas) {
    const k = `${d.provinceCode}|${d.year}`;
    const cur = totals.get(k);
    totals.set(k, cur ? { ...cur, spent: cur.spent.plus(d.spent), pending: cur.pending.plus(d.pending), count: cur.count + d.count } : d);
  }
  const perYear = [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);

  await tx.$executeRawUnsafe(
    `INSERT INTO spending (province_code, year, spent, pending_amount, claim_count, updated_at)
     SELECT p, y, s, pa, n, now() FROM unnest($1::text[], $2::int[], $3::numeric[], $4::numeric[], $5::int[]) AS t(p, y, s, pa, n)
     ON CONFLICT (province_code, year) DO UPDATE SET
       spent = spending.spent + EXCLUDED.spent,
       pending_amount = spending.pending_amount + EXCLUDED.pending_amount,
       claim_count = spending.claim_count + EXCLUDED.claim_count,
       updated_at = now()`,
    perYear.map((d) => d.provinceCode),
    perYear.map((d) => d.year),
    perYear.map((d) => d.spent.toString()),
    perYear.map((d) => d.pending.toString()),
    perYear.map((d) => d.count),
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO spending_detail (province_code, year, month, facility_code, spent, pending_amount, claim_count)
     SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::numeric[], $6::numeric[], $7::int[])
     ON CONFLICT (province_code, year, month, facility_code) DO UPDATE SET
       spent = spending_detail.spent + EXCLUDED.spent,
       pending_amount = spending_detail.pending_amount + EXCLUDED.pending_amount,
       claim_count = spending_detail.claim_count + EXCLUDED.claim_count`,
    deltas.map((d) => d.provinceCode),
    deltas.map((d) => d.year),
    deltas.map((d) => d.month),
    deltas.map((d) => d.facilityCode),
    deltas.map((d) => d.spent.toString()),
    deltas.map((d) => d.pending.toString()),
    deltas.map((d) => d.count),
  );
  return perYear.map((d) => ({ provinceCode: d.provinceCode, year: d.year }));
}
