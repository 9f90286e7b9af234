import type { Database } from "../../src/db/client.ts";
import {
  COUNTED_AMOUNT,
  DELAY_BANDS_FROM_CLAIMS,
  DELAY_BANDS_STORED,
  DETAIL_FROM_CLAIMS,
  PENDING_AGE_FROM_CLAIMS,
  PENDING_FROM_CLAIMS,
  TALLY_FROM_CLAIMS,
  TRIANGLE_FROM_CLAIMS,
} from "../../src/spending/sql.ts";

type Aggregates = {
  spending: string[];
  detail: string[];
  triangle: string[];
  costGroups: string[];
  costGroupTotals: string[];
  claimSplitsOff: string[];
  items: string[];
  tallies: string[];
  delays: string[];
  pendings: string[];
  pendingAges: string[];
};

const PENDING = `CASE WHEN c.status = 'pending_documentation' THEN ${COUNTED_AMOUNT} ELSE 0 END`;
const COUNTED_CLAIMS = "count(*) FILTER (WHERE c.status <> 'denied')::int";
const NOT_ZERO = (amount: string, count: string) => `${amount} <> 0 OR ${count} <> 0`;

/**
 * Spending, its detail by facility and month, spending by cost group (and its totals per province-year, which must
 * be spending's), and the arrival triangle, as stored and as computed again from the claims themselves; and how many
 * claims' cost splits do not add up to what they count (none), the items' aggregate against the lines of the
 * claims that count, the reports' tallies and receipt delays against every claim, and the backlog's tally against
 * the claims pending documentation (rows as sorted
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
      costGroups: await rows(
        `SELECT province_code, year, month, facility_code, cost_group, spent::text FROM spending_cost_group
          WHERE spent <> 0`,
      ),
      costGroupTotals: await rows(
        `SELECT province_code, year, sum(spent)::numeric(18,2)::text AS spent FROM spending_cost_group
          GROUP BY 1, 2 HAVING sum(spent) <> 0`,
      ),
      claimSplitsOff: await rows(
        `SELECT count(*)::int AS off FROM claim c WHERE ${COUNTED_AMOUNT} <>
          coalesce((SELECT sum(g.value::numeric) FROM jsonb_each_text(c.cost_split) g), 0)`,
      ),
      items: await rows(
        `SELECT province_code, year, month, facility_code, kind, item_code, claims, quantity::numeric(20,3)::text AS q,
           amount::text, insurance::text FROM spending_item
         WHERE claims <> 0 OR quantity <> 0 OR amount <> 0 OR insurance <> 0`,
      ),
      tallies: await rows(
        `SELECT province_code, year, month, facility_code, visit_type, claims, claimed::text, late, mismatches,
           duplicates FROM claim_tally
         WHERE claims <> 0 OR claimed <> 0 OR late <> 0 OR mismatches <> 0 OR duplicates <> 0`,
      ),
      delays: await rows(DELAY_BANDS_STORED),
      pendings: await rows(
        `SELECT province_code, year, facility_code, stuck, missing, claims, amount::text FROM pending_tally
         WHERE claims <> 0 OR amount <> 0`,
      ),
      pendingAges: await rows(
        `SELECT province_code, year, since_day::text, stuck, claims, amount::text FROM pending_age
         WHERE claims <> 0 OR amount <> 0`,
      ),
    },
    recomputed: {
      spending: await rows(`SELECT c.province_code, c.year, sum(${COUNTED_AMOUNT})::numeric(18,2)::text AS spent,
          sum(${PENDING})::numeric(18,2)::text AS pending, ${COUNTED_CLAIMS} AS claims
        FROM claim c GROUP BY 1, 2 HAVING ${NOT_ZERO(`sum(${COUNTED_AMOUNT})`, COUNTED_CLAIMS)}`),
      detail: await rows(`SELECT province_code, year, month, facility_code, spent::numeric(18,2)::text AS spent,
          pending_amount::numeric(18,2)::text AS pending, claim_count
        FROM (${DETAIL_FROM_CLAIMS}) d WHERE ${NOT_ZERO("spent", "claim_count")}`),
      triangle: await rows(
        `SELECT province_code, year, discharge_month, delay_months, amount::numeric(18,2)::text AS amount, claim_count
          FROM (${TRIANGLE_FROM_CLAIMS}) t WHERE ${NOT_ZERO("amount", "claim_count")}`,
      ),
      costGroups: await rows(`SELECT c.province_code, c.year, c.month, c.facility_code, g.key AS cost_group,
          sum(g.value::numeric)::numeric(18,2)::text AS spent
        FROM claim c, jsonb_each_text(c.cost_split) g GROUP BY 1, 2, 3, 4, 5 HAVING sum(g.value::numeric) <> 0`),
      costGroupTotals: await rows(`SELECT c.province_code, c.year, sum(${COUNTED_AMOUNT})::numeric(18,2)::text AS spent
        FROM claim c GROUP BY 1, 2 HAVING sum(${COUNTED_AMOUNT}) <> 0`),
      claimSplitsOff: ["0"],
      // The lines of every claim that counts, by item: a claim with two lines of one item counts once.
      items: await rows(`SELECT c.province_code, c.year, c.month, c.facility_code, l->>0 AS kind, l->>1 AS item_code,
          count(DISTINCT c.id)::int AS claims, sum((l->>4)::numeric)::numeric(20,3)::text AS q,
          sum((l->>6)::numeric)::numeric(18,2)::text AS amount, sum((l->>7)::numeric)::numeric(18,2)::text AS insurance
        FROM claim c, json_array_elements(c.lines) l WHERE c.status <> 'denied' GROUP BY 1, 2, 3, 4, 5, 6`),
      tallies: await rows(`SELECT province_code, year, month, facility_code, visit_type, claims,
          claimed::numeric(18,2)::text AS claimed, late, mismatches, duplicates FROM (${TALLY_FROM_CLAIMS}) t`),
      delays: await rows(DELAY_BANDS_FROM_CLAIMS),
      pendings: await rows(`SELECT province_code, year, facility_code, stuck, missing, claims,
          amount::numeric(18,2)::text AS amount FROM (${PENDING_FROM_CLAIMS}) p`),
      pendingAges: await rows(`SELECT province_code, year, since_day::text, stuck, claims,
          amount::numeric(18,2)::text AS amount FROM (${PENDING_AGE_FROM_CLAIMS}) p`),
    },
  };
}
