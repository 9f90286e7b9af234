import type { Dec } from "../domain/money.ts";
import type { ProvinceYear } from "../domain/period.ts";
import type { SqlSession } from "../db/client.ts";
import { addItems, itemIsZero, type ItemSum, type ItemSums } from "../costs/items.ts";
import { addSplit, type Contribution } from "./contribution.ts";
import * as sql from "./sql.ts";

/** A copy whose sums can be added to in place. */
const copyItems = (items: ItemSums) => new Map<string, ItemSum>([...items].map(([key, item]) => [key, { ...item }]));

/**
 * Sums deltas by a key, in key order (the order rows are locked in). `withParts` also sums their cost groups and
 * items, which only the detail rows carry on.
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
        withParts ? { ...delta, groups: new Map(delta.groups), items: copyItems(delta.items) } : delta,
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
          }
        : {}),
    });
  }
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

const detailKey = (d: Contribution) => `${d.provinceCode}|${d.year}|${pad(d.month, 2)}|${d.facilityCode}`;

/** The rows one part of the detail moves (its cost groups, its items), keyed after the detail, in key (lock) order. */
function partRows<P>(detail: Contribution[], parts: (d: Contribution) => [string, P][]) {
  return detail
    .flatMap((d) => parts(d).map(([part, value]) => ({ key: `${detailKey(d)}|${part}`, d, part, value })))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Adds the detail's cost groups and items to theirs: two statements at most, in key (lock) order each. */
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
