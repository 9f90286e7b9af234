import { LOCK_FACILITY } from "../batches/sql.ts";
import type { SqlSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import { Dec } from "../domain/money.ts";
import { moveMoney } from "../spending/move.ts";
import { COUNTED_AMOUNT, DELAY_MONTHS } from "../spending/triangle.ts";

/**
 * accountingProvince (src/domain/merger.ts) in SQL, over claim c, facility f
 * and f's province p. test/http/merger.test.ts holds the two together: claims
 * moved by it end where claims sent after the change are placed.
 */
const ACCOUNTING_PROVINCE =
  `CASE WHEN p.successor_code IS NOT NULL AND p.merged_at IS NOT NULL AND c.discharged_at ` +
  `>= p.merged_at
  THEN p.successor_code ELSE f.province_code END`;

/**
 * Moves the facilities' claims that count in another province than the record
 * now says, locked until commit, notes the move in each claim's history
 * (kind "province": from, to), and returns what they contributed, summed by
 * the keys of the spending aggregates (as contributionOf counts it, in SQL:
 * COUNTED_AMOUNT, DELAY_MONTHS): one statement, whatever the number of claims.
 */
const MOVE_CLAIMS = `
WITH moving AS (
  SELECT c.id, c.version, c.province_code AS from_code, ${ACCOUNTING_PROVINCE} AS to_code, c.year, c.month,
    c.facility_code,
         ${DELAY_MONTHS} AS delay_months, ${COUNTED_AMOUNT} AS counted, c.status
  FROM claim c
  JOIN facility f ON f.code = c.facility_code
  JOIN province p ON p.code = f.province_code
  WHERE c.facility_code = ANY($1::text[]) AND c.province_code <> ${ACCOUNTING_PROVINCE}
  -- In id order, as the other writers of many claims lock them (mark-stuck): else two can deadlock.
  ORDER BY c.id
  FOR UPDATE OF c
), moved AS (
  UPDATE claim SET province_code = moving.to_code, updated_at = $2 FROM moving WHERE claim.id = moving.id
), recorded AS (
  INSERT INTO claim_history (claim_ref, kind, version, at, data)
  SELECT id, 'province', version, $2, jsonb_build_object('from', from_code, 'to', to_code) FROM moving
)
SELECT from_code, to_code, year, month, facility_code, delay_months,
       sum(counted)::text AS spent,
       sum(CASE WHEN status = 'pending_documentation' THEN counted ELSE 0 END)::text AS pending,
       count(*) FILTER (WHERE status <> 'denied')::int AS counted_claims,
       count(*)::int AS claims
FROM moving
GROUP BY 1, 2, 3, 4, 5, 6`;

interface Moved {
  from_code: string;
  to_code: string;
  year: number;
  month: number;
  facility_code: string;
  delay_months: number;
  spent: string;
  pending: string;
  counted_claims: number;
  claims: number;
}

/**
 * After a province's merger or a facility's province was recorded or changed
 * (in the caller's transaction, after that write): moves the facilities'
 * stored claims to the province they count in now, their spending with them
 * (spending, its detail and the arrival triangle), and evaluates the alerts of
 * every province-year touched. A merger is often recorded after it took
 * effect, when claims discharged since are already counted under the old code.
 *
 * Locks in the order every writer takes them: the facilities' batch locks (so
 * no batch of theirs interleaves; a batch that waited re-reads its facility),
 * then the claims, then the spending rows. Returns how many claims moved.
 */
export async function reattributeClaims(
  tx: SqlSession,
  deps: Pick<AppDeps, "rules">,
  facilityCodes: readonly string[],
  at: Date,
): Promise<number> {
  const codes = [...new Set(facilityCodes)].sort();
  if (codes.length === 0) return 0;
  for (const code of codes) await tx.query(LOCK_FACILITY, [code]);
  const groups = await tx.query<Moved>(MOVE_CLAIMS, [codes, at]);
  if (groups.length === 0) return 0;
  const changes = groups.map((group) => {
    const moved = {
      year: Number(group.year),
      month: Number(group.month),
      facilityCode: group.facility_code,
      delayMonths: Number(group.delay_months),
      spent: new Dec(group.spent),
      pending: new Dec(group.pending),
      count: Number(group.counted_claims),
    };
    return { before: { ...moved, provinceCode: group.from_code }, after: { ...moved, provinceCode: group.to_code } };
  });
  await moveMoney(tx, deps, changes, at);
  return groups.reduce((n, g) => n + Number(g.claims), 0);
}
