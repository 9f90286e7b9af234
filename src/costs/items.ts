import { Dec } from "../domain/money.ts";
import type { LineKind, StoredLine } from "./lines.ts";

/**
 * What a claim's lines add up to by item (drug, supply or service code): the items view's aggregate
 * (spending_item) is the sum of these over the claims that count. Pure.
 */
export interface ItemSum {
  kind: LineKind;
  itemCode: string;
  /** The name the latest line gave it (names drift across files; the code is the item). */
  name: string | null;
  /** Claims with at least one line of it: 1 for one claim. */
  claims: number;
  quantity: Dec;
  /** THANH_TIEN_BV: what its lines cost. */
  amount: Dec;
  /** T_BHTT: the fund's part of its lines. */
  insurance: Dec;
}

/** Item key -> its sum; the key is kind and code. */
export type ItemSums = ReadonlyMap<string, ItemSum>;

export const NO_ITEMS: ItemSums = new Map();

const keyOf = (kind: string, itemCode: string) => `${kind}\u0000${itemCode}`;

/**
 * Adds one line to a claim's items (its amounts already parsed, and its quantity when `quantity` is given: the caller
 * reads them for other checks too).
 */
export function addLine(
  items: Map<string, ItemSum>,
  line: { kind: LineKind; itemCode: string; name?: string | null | undefined; quantity: string },
  amount: Dec,
  insurance: Dec,
  quantity: Dec = new Dec(line.quantity),
): void {
  const key = keyOf(line.kind, line.itemCode);
  const sum = items.get(key);
  if (!sum) {
    const { kind, itemCode } = line;
    items.set(key, { kind, itemCode, name: line.name ?? null, claims: 1, quantity, amount, insurance });
    return;
  }
  sum.quantity = sum.quantity.plus(quantity);
  sum.amount = sum.amount.plus(amount);
  sum.insurance = sum.insurance.plus(insurance);
  if (line.name) sum.name = line.name;
}

/** A stored claim's items, from its lines as the claim row keeps them (claim.lines); none without lines. */
export function itemsOfStored(stored: unknown): Map<string, ItemSum> {
  const items = new Map<string, ItemSum>();
  for (const [kind, itemCode, name, , quantity, , amount, insurance] of (stored ?? []) as StoredLine[])
    addLine(items, { kind, itemCode, name, quantity }, new Dec(amount), new Dec(insurance));
  return items;
}

/** Adds `sign` times each of `items` into `into`, which is the caller's own (written in place). */
export function addItems(into: Map<string, ItemSum>, items: ItemSums, sign: 1 | -1 = 1): Map<string, ItemSum> {
  for (const [key, item] of items) {
    const sum = into.get(key);
    if (!sum) {
      // Decs are immutable: an item added once keeps the claim's own values.
      into.set(
        key,
        sign === 1
          ? { ...item }
          : {
              ...item,
              claims: -item.claims,
              quantity: item.quantity.negated(),
              amount: item.amount.negated(),
              insurance: item.insurance.negated(),
            },
      );
      continue;
    }
    sum.claims += sign * item.claims;
    sum.quantity = sign === 1 ? sum.quantity.plus(item.quantity) : sum.quantity.minus(item.quantity);
    sum.amount = sign === 1 ? sum.amount.plus(item.amount) : sum.amount.minus(item.amount);
    sum.insurance = sign === 1 ? sum.insurance.plus(item.insurance) : sum.insurance.minus(item.insurance);
    if (sign === 1 && item.name) sum.name = item.name;
  }
  return into;
}

/** Whether an item's netted change moves nothing. */
export const itemIsZero = (item: ItemSum) =>
  item.claims === 0 && item.quantity.isZero() && item.amount.isZero() && item.insurance.isZero();
