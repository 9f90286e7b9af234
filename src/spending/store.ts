import type { ProvinceYear } from "../domain/period.ts";
import type { SqlSession } from "../db/client.ts";
import { addItems, itemIsZero, type ItemSum, type ItemSums } from "../costs/items.ts";
import { addSplit, type Contribution } from "./contribution.ts";

/** A copy whose sums can be added to in place. */
const copyItems = (items: ItemSums) => new Map<string, ItemSum>([...items].map(([key, item]) => [key, { ...item }]));
import * as sql from "./sql.ts";

/** Sums deltas by a key, in key order (the order rows are locked in). */
function sumBy(deltas: Contribution[], key: (delta: Contribution) => string): Contribution[] {
  const totals = new Map<string, Contribution>();
  for (const delta of deltas) {
    const groupKey = key(delta);
    const cur = totals.get(groupKey);
    totals.set(
      groupKey,
      cur
        ? {
            ...cur,
            spent: cur.spent.plus(delta.spent),
            pending: cur.pending.plus(delta.pending),
            count: cur.count + delta.count,
            groups: addSplit(new Map(cur.groups), delta.groups),
            items: addItems(copyItems(cur.items), delta.items),
          }
        : delta,
    );
  }
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** The item rows the deltas move, by province, year, month, facility and item, in key (lock) order. */
function itemRows(detail: Contribution[]) {
  return detail
    .flatMap((d) =>
      [...d.items.values()]
        .filter((item) => !itemIsZero(item))
        .map((item) => ({
          key: `${d.provinceCode}|${d.year}|${pad(d.month, 2)}|${d.facilityCode}|${item.kind}|${item.itemCode}`,
          d,
          item,
        })),
    )
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** The cost-group rows the deltas move, by province, year, month, facility and group, in key (lock) order. */
function costGroupRows(detail: Contribution[]) {
  return detail
    .flatMap((d) =>
      [...d.groups.entries()]
        .filter(([, part]) => !part.isZero())
        .map(([group, part]) => ({
          key: `${d.provinceCode}|${d.year}|${pad(d.month, 2)}|${d.facilityCode}|${group}`,
          d,
          group,
          part,
        })),
    )
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/**
 * Adds netted deltas to the running totals: five statements whatever the
 * number of claims (spending, spending_detail, spending_cost_group, spending_item, arrival_triangle). The upsert
 * on `spending` comes first and row-locks each province-year until the
 * transaction ends, which is what lets the caller decide threshold crossings
 * without a race (and serialises the writers of the other two tables' rows of
 * that province-year). Returns the province-years touched, in lock order.
 */
export async function applySpending(tx: SqlSession, deltas: Contribution[]): Promise<ProvinceYear[]> {
  if (deltas.length === 0) return [];
  const perYear = sumBy(deltas, (d) => `${d.provinceCode}|${d.year}`);
  const detail = sumBy(deltas, (d) => `${d.provinceCode}|${d.year}|${pad(d.month, 2)}|${d.facilityCode}`);
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
  const groups = costGroupRows(detail);
  if (groups.length)
    await tx.query(sql.ADD_TO_SPENDING_COST_GROUP, [
      groups.map((row) => row.d.provinceCode),
      groups.map((row) => row.d.year),
      groups.map((row) => row.d.month),
      groups.map((row) => row.d.facilityCode),
      groups.map((row) => row.group),
      groups.map((row) => row.part.toString()),
    ]);
  const items = itemRows(detail);
  if (items.length)
    await tx.query(sql.ADD_TO_SPENDING_ITEM, [
      items.map((row) => row.d.provinceCode),
      items.map((row) => row.d.year),
      items.map((row) => row.d.month),
      items.map((row) => row.d.facilityCode),
      items.map((row) => row.item.kind),
      items.map((row) => row.item.itemCode),
      items.map((row) => row.item.name),
      items.map((row) => row.item.claims),
      items.map((row) => row.item.quantity.toString()),
      items.map((row) => row.item.amount.toString()),
      items.map((row) => row.item.insurance.toString()),
    ]);
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
