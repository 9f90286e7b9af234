import type { Database } from "../../src/db/client.ts";
import { COUNTED_AMOUNT, TRIANGLE_FROM_CLAIMS } from "../../src/spending/sql.ts";

type Aggregates = { spending: string[]; detail: string[]; triangle: string[] };

const PENDING = `CASE WHEN c.status = 'pending_documentation' THEN ${COUNTED_AMOUNT} ELSE 0 END`;
const COUNTED_CLAIMS = "count(*) FILTER (WHERE c.status <> 'denied')::int";
const NOT_ZERO = (amount: string, count: string) => `${amount} <> 0 OR ${count} <> 0`;

/**
 * Spending, its detail by facility and month, and the arrival triangle, as
 * stored and as computed again from the claims themselves (rows as sorted
 * strings, rows of zeros left out): every writer that moves money must keep
 * the two equal.
 */
export async function aggregates(db: Database): Promise<{ stored: Aggregates; recomputed: Aggregates }> {
  // Every column named: rows are read as objects, and two unnamed sums would be one key.
  const rows = async (sql: string) =>
    (await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql))
      .map((r) => Object.values(r).map(String).join("|"))
      .sort();
  return {
    stored: {
      spending: await rows(
        `SELECT province_code, year, spent::text, pending_amount::text, claim_count FROM spending WHERE ` +
          `${NOT_ZERO("spent", "claim_count")} OR pending_amount <> 0`,
      ),
      detail: await rows(
        `SELECT province_code, year, month, facility_code, spent::text, pending_amount::text, claim_count FROM
          spending_detail WHERE ${NOT_ZERO("spent", "claim_count")} OR pending_amount <> 0`,
      ),
      triangle: await rows(
        `SELECT province_code, year, discharge_month, delay_months, amount::text, claim_count FROM arrival_triangle
          WHERE ${NOT_ZERO("amount", "claim_count")}`,
      ),
    },
    recomputed: {
      spending: await rows(`SELECT c.province_code, c.year, sum(${COUNTED_AMOUNT})::numeric(18,2)::text AS spent,
          sum(${PENDING})::numeric(18,2)::text AS pending, ${COUNTED_CLAIMS} AS claims
        FROM claim c GROUP BY 1, 2 HAVING ${NOT_ZERO(`sum(${COUNTED_AMOUNT})`, COUNTED_CLAIMS)}`),
      detail: await rows(`SELECT c.province_code, c.year, c.month, c.facility_code,
          sum(${COUNTED_AMOUNT})::numeric(18,2)::text AS spent, sum(${PENDING})::numeric(18,2)::text AS pending,
            ${COUNTED_CLAIMS} AS claims
        FROM claim c GROUP BY 1, 2, 3, 4 HAVING ${NOT_ZERO(`sum(${COUNTED_AMOUNT})`, COUNTED_CLAIMS)}`),
      triangle: await rows(
        `SELECT province_code, year, discharge_month, delay_months, amount::numeric(18,2)::text AS amount, claim_count
          FROM (${TRIANGLE_FROM_CLAIMS}) t WHERE ${NOT_ZERO("amount", "claim_count")}`,
      ),
    },
  };
}
