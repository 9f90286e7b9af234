import type { Dec } from "../domain/money.ts";
import type { ProvinceYear } from "../domain/period.ts";
import type { SqlSession } from "../db/client.ts";
import { addItems, itemIsZero, type ItemSum, type ItemSums } from "../costs/items.ts";
import { addDelays, addTallies, type Tally, tallyIsZero } from "../reports/tally.ts";
import { addPendings, type PendingSum } from "../backlog/tally.ts";
import { addCuts, type CutSum, cutIsZero } from "../assessment/tally.ts";
import { addSplit, type Contribution } from "./contribution.ts";
import * as sql from "./sql.ts";

/** A copy whose sums can be added to in place. */
const copyItems = (items: ItemSums) => new Map<string, ItemSum>([...items].map(([key, item]) => [key, { ...item }]));

/**
 * Sums deltas by a key, in key order (the order rows are locked in). `withParts` also sums their cost groups,
 * items, tallies and delays, which only the detail rows carry on.
 */
function sumBy(deltas: Contribution[], key: (delta: Contribution) => string, withParts = false): Contribution[] {
  const totals = new Map<string, Contribution>();
  for (const delta of deltas) {
    const groupKey = key(delta);
    const cur = totals.get(groupKey);
    if (!cur) {
      // The first delta of a key is copied once, so the ones after it can be added in place.
      totals.set(
        groupKey,
        withParts
          ? {
              ...delta,
              groups: new Map(delta.groups),
              items: copyItems(delta.items),
              tallies: addTallies(new Map(), delta.tallies),
              delays: new Map(delta.delays),
              pendings: addPendings(new Map(), delta.pendings),
              cuts: addCuts(new Map(), delta.cuts),
            }
          : delta,
      );
      continue;
    }
    totals.set(groupKey, {
      ...cur,
      spent: cur.spent.plus(delta.spent),
      pending: cur.pending.plus(delta.pending),
      count: cur.count + delta.count,
      ...(withParts
        ? {
            groups: addSplit(cur.groups as Map<string, Dec>, delta.groups),
            items: addItems(cur.items as Map<string, ItemSum>, delta.items),
            tallies: addTallies(cur.tallies as Map<string, Tally>, delta.tallies),
            delays: addDelays(cur.delays as Map<number, number>, delta.delays),
            pendings: addPendings(cur.pendings as Map<string, PendingSum>, delta.pendings),
            cuts: addCuts(cur.cuts as Map<string, CutSum>, delta.cuts),
          }
        : {}),
    });
  }
  return inKeyOrder(totals);
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** A map's rows in key order, the order rows are locked in; those `keep` refuses (rows of zeros) left out. */
const inKeyOrder = <R>(rows: Map<string, R>, keep: (row: R) => boolean = () => true): R[] =>
  [...rows.entries()]
    .filter(([, row]) => keep(row))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, row]) => row);

const detailKey = (d: Contribution) => `${d.provinceCode}|${d.year}|${pad(d.month, 2)}|${d.facilityCode}`;

/** The rows one part of the detail moves (its cost groups, its items), keyed after the detail, in key (lock) order. */
function partRows<P>(detail: Contribution[], parts: (d: Contribution) => [string, P][]) {
  return detail
    .flatMap((d) => parts(d).map(([part, value]) => ({ key: `${detailKey(d)}|${part}`, d, part, value })))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/**
 * The receipt_delay rows the detail moves: each claim's band in its month and in the whole year (month 0, what the
 * yearly report reads, so it reads one row per facility instead of twelve), as claims per band (an array indexed by
 * band, domain/receipt-delay.ts), summed by the table's key (months of one facility meet in its year row) and in key
 * order, the order rows are locked in.
 */
function delayRows(detail: Contribution[]) {
  const rows = new Map<
    string,
    { provinceCode: string; year: number; month: number; facilityCode: string; claims: number[] }
  >();
  for (const detailRow of detail)
    for (const [band, claims] of detailRow.delays)
      for (const month of [detailRow.month, 0]) {
        const key = `${detailRow.provinceCode}|${detailRow.year}|${pad(month, 2)}|${detailRow.facilityCode}`;
        let row = rows.get(key);
        if (!row)
          rows.set(
            key,
            (row = {
              provinceCode: detailRow.provinceCode,
              year: detailRow.year,
              month,
              facilityCode: detailRow.facilityCode,
              claims: [],
            }),
          );
        while (row.claims.length <= band) row.claims.push(0);
        row.claims[band]! += claims;
      }
  return inKeyOrder(rows, (row) => row.claims.some((n) => n !== 0));
}

/**
 * The detail's backlog parts summed by `key` (a backlog table's key: the months of a province-year, and for the ages
 * its facilities, meet in one row), in key order, the order rows are locked in; rows of zeros left out.
 */
function pendingRows<R extends object>(
  detail: Contribution[],
  key: (d: Contribution, sum: PendingSum) => string,
  row: (d: Contribution, sum: PendingSum) => R,
): (R & { claims: number; amount: Dec })[] {
  const rows = new Map<string, R & { claims: number; amount: Dec }>();
  for (const detailRow of detail)
    for (const sum of detailRow.pendings.values()) {
      const rowKey = key(detailRow, sum);
      const cur = rows.get(rowKey);
      if (cur) {
        cur.claims += sum.claims;
        cur.amount = cur.amount.plus(sum.amount);
      } else rows.set(rowKey, { ...row(detailRow, sum), claims: sum.claims, amount: sum.amount });
    }
  return inKeyOrder(rows, (row) => row.claims !== 0 || !row.amount.isZero());
}

/** Adds the detail's backlog parts: by facility and missing documents, and by day begun pending (two statements). */
async function addPendingRows(tx: SqlSession, detail: Contribution[]): Promise<void> {
  const byFacility = pendingRows(
    detail,
    (d, sum) => `${d.provinceCode}|${d.year}|${d.facilityCode}|${sum.stuck ? 1 : 0}|${sum.missing.join(",")}`,
    (d, sum) => ({ d, stuck: sum.stuck, missing: sum.missing }),
  );
  if (byFacility.length)
    await tx.query(sql.ADD_TO_PENDING_TALLY, [
      byFacility.map((row) => row.d.provinceCode),
      byFacility.map((row) => row.d.year),
      byFacility.map((row) => row.d.facilityCode),
      byFacility.map((row) => row.stuck),
      byFacility.map((row) => row.missing.join(",")),
      byFacility.map((row) => row.claims),
      byFacility.map((row) => row.amount.toString()),
    ]);
  const byDay = pendingRows(
    detail,
    (d, sum) => `${d.provinceCode}|${d.year}|${sum.sinceDay}|${sum.stuck ? 1 : 0}`,
    (d, sum) => ({ d, sinceDay: sum.sinceDay, stuck: sum.stuck }),
  );
  if (byDay.length)
    await tx.query(sql.ADD_TO_PENDING_AGE, [
      byDay.map((row) => row.d.provinceCode),
      byDay.map((row) => row.d.year),
      byDay.map((row) => row.sinceDay),
      byDay.map((row) => row.stuck),
      byDay.map((row) => row.claims),
      byDay.map((row) => row.amount.toString()),
    ]);
}

/** Adds the detail's proposed cuts (automated assessment) by rule: one statement. */
async function addCutRows(tx: SqlSession, detail: Contribution[]): Promise<void> {
  const cuts = partRows(detail, (d) => [...d.cuts].filter(([, sum]) => !cutIsZero(sum)));
  if (cuts.length)
    await tx.query(sql.ADD_TO_ASSESSMENT_CUT, [
      cuts.map((row) => row.d.provinceCode),
      cuts.map((row) => row.d.year),
      cuts.map((row) => row.d.month),
      cuts.map((row) => row.d.facilityCode),
      cuts.map((row) => row.part),
      cuts.map((row) => row.value.claims),
      cuts.map((row) => row.value.findings),
      cuts.map((row) => row.value.amount.toString()),
      cuts.map((row) => row.value.open.toString()),
    ]);
}

/**
 * Adds the detail's cost groups, items, tallies, delays, backlog and proposed cuts to theirs: seven statements at
 * most, in key (lock) order each.
 */
async function addParts(tx: SqlSession, detail: Contribution[]): Promise<void> {
  const groups = partRows(detail, (d) => [...d.groups].filter(([, part]) => !part.isZero()));
  if (groups.length)
    await tx.query(sql.ADD_TO_SPENDING_COST_GROUP, [
      groups.map((row) => row.d.provinceCode),
      groups.map((row) => row.d.year),
      groups.map((row) => row.d.month),
      groups.map((row) => row.d.facilityCode),
      groups.map((row) => row.part),
      groups.map((row) => row.value.toString()),
    ]);
  const items = partRows(detail, (d) =>
    [...d.items.values()].filter((item) => !itemIsZero(item)).map((item) => [`${item.kind}|${item.itemCode}`, item]),
  );
  if (items.length)
    await tx.query(sql.ADD_TO_SPENDING_ITEM, [
      items.map((row) => row.d.provinceCode),
      items.map((row) => row.d.year),
      items.map((row) => row.d.month),
      items.map((row) => row.d.facilityCode),
      items.map((row) => row.value.kind),
      items.map((row) => row.value.itemCode),
      items.map((row) => row.value.name),
      items.map((row) => row.value.claims),
      items.map((row) => row.value.quantity.toString()),
      items.map((row) => row.value.amount.toString()),
      items.map((row) => row.value.insurance.toString()),
    ]);
  const tallies = partRows(detail, (d) => [...d.tallies].filter(([, tally]) => !tallyIsZero(tally)));
  if (tallies.length)
    await tx.query(sql.ADD_TO_CLAIM_TALLY, [
      tallies.map((row) => row.d.provinceCode),
      tallies.map((row) => row.d.year),
      tallies.map((row) => row.d.month),
      tallies.map((row) => row.d.facilityCode),
      tallies.map((row) => row.part),
      tallies.map((row) => row.value.claims),
      tallies.map((row) => row.value.claimed.toString()),
      tallies.map((row) => row.value.late),
      tallies.map((row) => row.value.mismatches),
      tallies.map((row) => row.value.duplicates),
    ]);
  await addPendingRows(tx, detail);
  await addCutRows(tx, detail);
  const delays = delayRows(detail);
  if (delays.length)
    await tx.query(sql.ADD_TO_RECEIPT_DELAY, [
      delays.map((row) => row.provinceCode),
      delays.map((row) => row.year),
      delays.map((row) => row.month),
      delays.map((row) => row.facilityCode),
      // Each row's array as an array literal: unnest cannot take arrays of arrays of different lengths.
      delays.map((row) => `{${row.claims.join(",")}}`),
    ]);
}

/**
 * Adds netted deltas to the running totals: ten statements at most whatever the number of claims (spending,
 * spending_detail, spending_cost_group, spending_item, claim_tally, pending_tally, pending_age, assessment_cut,
 * receipt_delay, arrival_triangle). The upsert on
 * `spending` comes first and row-locks each province-year until the transaction ends, which is what lets the caller
 * decide threshold crossings without a race (and serialises the writers of the other tables' rows of that
 * province-year). Returns the province-years touched, in lock order.
 */
export async function applySpending(tx: SqlSession, deltas: Contribution[]): Promise<ProvinceYear[]> {
  if (deltas.length === 0) return [];
  const perYear = sumBy(deltas, (d) => `${d.provinceCode}|${d.year}`);
  const detail = sumBy(deltas, detailKey, true);
  const triangle = sumBy(
    deltas,
    (d) => `${d.provinceCode}|${d.year}|${pad(d.month, 2)}|${pad(d.delayMonths, 4)}`,
  ).filter((d) => !d.spent.isZero() || d.count !== 0);

  await tx.query(sql.ADD_TO_SPENDING, [
    perYear.map((d) => d.provinceCode),
    perYear.map((d) => d.year),
    perYear.map((d) => d.spent.toString()),
    perYear.map((d) => d.pending.toString()),
    perYear.map((d) => d.count),
  ]);
  await tx.query(sql.ADD_TO_SPENDING_DETAIL, [
    detail.map((d) => d.provinceCode),
    detail.map((d) => d.year),
    detail.map((d) => d.month),
    detail.map((d) => d.facilityCode),
    detail.map((d) => d.spent.toString()),
    detail.map((d) => d.pending.toString()),
    detail.map((d) => d.count),
  ]);
  await addParts(tx, detail);
  // The chain-ladder's triangle (src/domain/chain-ladder.ts): spent and claims by discharge month and months of delay.
  if (triangle.length)
    await tx.query(sql.ADD_TO_ARRIVAL_TRIANGLE, [
      triangle.map((d) => d.provinceCode),
      triangle.map((d) => d.year),
      triangle.map((d) => d.month),
      triangle.map((d) => d.delayMonths),
      triangle.map((d) => d.spent.toString()),
      triangle.map((d) => d.count),
    ]);
  return perYear.map((d) => ({ provinceCode: d.provinceCode, year: d.year }));
}
