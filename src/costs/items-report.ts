import { ITEM_KIND_WORDS, TERMS } from "../domain/glossary.ts";
import type { Caller } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { change, Dec, formatMoney } from "../domain/money.ts";
import { notFound } from "../http/problem.ts";
import type { CsvColumn } from "../reports/csv.ts";
import { type ReportScope, reportScope } from "../reports/scope.ts";
import type { ITEM_SORTS, ItemsReportOut } from "./contract.ts";
import type { LineKind } from "./lines.ts";
import { period } from "./read.ts";
import * as sql from "./sql.ts";

type Deps = Pick<AppDeps, "db" | "clock">;

export interface ItemsQueryIn {
  year?: number | undefined;
  through?: number | undefined;
  kind?: LineKind | undefined;
  province?: string | undefined;
  facility?: string | undefined;
  sort: (typeof ITEM_SORTS)[number];
  limit: number;
}

interface ItemRow {
  kind: LineKind;
  itemCode: string;
  name: string | null;
  amount: string;
  insurance: string;
  quantity: string;
  claims: number;
  previousAmount: string;
  previousQuantity: string;
  previousClaims: number;
  facilities: number;
  /** Each facility's [amount, quantity] this year, quantity > 0. */
  byFacility: [string, string][];
}

/**
 * Where the caller may look: the reports' scope (central anywhere, a province key its province, a facility key its
 * own claims), narrowed to one facility when asked. Naming a province or facility outside it is 404.
 */
async function itemsScope(deps: Deps, caller: Caller, query: ItemsQueryIn): Promise<ReportScope> {
  const scope = await reportScope(deps, caller, query.province);
  if (caller.role === "facility") {
    if (query.province !== undefined && query.province !== caller.provinceCode) throw notFound("province");
    if (query.facility !== undefined && query.facility !== caller.facilityCode) throw notFound("facility");
    return scope;
  }
  if (query.facility === undefined) return scope;
  const found = await deps.db.prisma.facility.findUnique({
    where: { code: query.facility },
    select: { provinceCode: true },
  });
  // A province key sees its own facilities only.
  if (!found || (caller.role === "province" && found.provinceCode !== caller.provinceCode)) throw notFound("facility");
  return { ...scope, facility: query.facility };
}

/** A unit price as shown: 3 decimals, as the XML tables give DON_GIA. */
const shown = (price: Dec) => price.toDecimalPlaces(3).toString();

/** Lowest, median (the mean of the middle two for an even count) and highest of the facilities' unit prices. */
function spread(byFacility: [string, string][]) {
  const prices = byFacility
    .map(([amount, quantity]) => new Dec(amount).dividedBy(quantity))
    .sort((a, b) => a.comparedTo(b));
  if (prices.length === 0) return { lowest: null, median: null, highest: null };
  const middle = Math.floor(prices.length / 2);
  const median = prices.length % 2 ? prices[middle]! : prices[middle - 1]!.plus(prices[middle]!).dividedBy(2);
  return { lowest: shown(prices[0]!), median: shown(median), highest: shown(prices[prices.length - 1]!) };
}

/**
 * The top items (drugs, supplies, services) of the caller's scope for months 1 to `through`, against the same months
 * last year: what they cost, how much and how often, and how the facilities' unit prices spread. Read from the items'
 * aggregate (spending_item) only.
 */
export async function itemsReport(deps: Deps, caller: Caller, query: ItemsQueryIn): Promise<ItemsReportOut> {
  const { province, facility } = await itemsScope(deps, caller, query);
  const { year, through } = period(deps, query);
  const rows = await deps.db.sql.query<ItemRow>(sql.ITEMS, [
    year,
    through,
    province,
    facility,
    query.kind ?? null,
    query.sort,
    query.limit,
  ]);
  return {
    year,
    through,
    kind: query.kind ?? null,
    provinceCode: province,
    facilityCode: facility,
    sort: query.sort,
    items: rows.map((row) => {
      const quantity = new Dec(row.quantity);
      return {
        kind: row.kind,
        itemCode: row.itemCode,
        name: row.name,
        amount: formatMoney(row.amount),
        insurance: formatMoney(row.insurance),
        quantity: quantity.toString(),
        claims: row.claims,
        facilities: row.facilities,
        averageUnitPrice: quantity.isZero() ? null : shown(new Dec(row.amount).dividedBy(quantity)),
        unitPrice: spread(row.byFacility),
        previousYear: {
          amount: formatMoney(row.previousAmount),
          quantity: new Dec(row.previousQuantity).toString(),
          claims: row.previousClaims,
        },
        change: change(row.amount, row.previousAmount),
      };
    }),
  };
}

type ItemOut = ItemsReportOut["items"][number];

/** The items report as CSV: one line per item, Vietnamese headers. */
export const ITEMS_CSV: CsvColumn<ItemOut>[] = [
  { header: TERMS.itemKind.vi, value: (item) => ITEM_KIND_WORDS[item.kind].vi },
  { header: TERMS.itemCode.vi, value: (item) => item.itemCode },
  { header: TERMS.itemName.vi, value: (item) => item.name },
  { header: "Thành tiền", value: (item) => item.amount },
  { header: TERMS.insurance.vi, value: (item) => item.insurance },
  { header: TERMS.quantity.vi, value: (item) => item.quantity },
  { header: TERMS.claims.vi, value: (item) => item.claims },
  { header: "Số cơ sở", value: (item) => item.facilities },
  { header: TERMS.averageUnitPrice.vi, value: (item) => item.averageUnitPrice },
  { header: "Đơn giá thấp nhất", value: (item) => item.unitPrice.lowest },
  { header: "Đơn giá trung vị", value: (item) => item.unitPrice.median },
  { header: "Đơn giá cao nhất", value: (item) => item.unitPrice.highest },
  { header: "Thành tiền cùng kỳ năm trước", value: (item) => item.previousYear.amount },
  { header: "Số lượng cùng kỳ năm trước", value: (item) => item.previousYear.quantity },
  { header: "Số hồ sơ cùng kỳ năm trước", value: (item) => item.previousYear.claims },
  { header: "Thay đổi", value: (item) => item.change },
];
