import { Dec, formatMoney } from "../domain/money.ts";
import type { LineTotals } from "../costs/lines.ts";
import type { Context } from "./context.ts";
import type { Hit, Placeholder } from "./model.ts";
import type { RuleOf } from "./rules.ts";

/** Checks of the claim as a whole (family 4). */

type Identity = [field: string, stated: string | null | undefined, computed: () => Dec, formula: Placeholder];

const cents = (value: Dec) => value.toDecimalPlaces(2, Dec.ROUND_HALF_UP);

/**
 * What the prepared lines add up to, in one pass, for a claim whose caller did not sum them (a stored claim being
 * assessed again): src/costs/lines.ts lineSums sums them on the batch path.
 */
function sumPrepared(context: Context): LineTotals {
  let amount = new Dec(0);
  let insurance = new Dec(0);
  let drugs = new Dec(0);
  let supplies = new Dec(0);
  for (const prepared of context.lines) {
    amount = amount.plus(prepared.amount);
    insurance = insurance.plus(prepared.insurance);
    if (prepared.line.kind === "drug") drugs = drugs.plus(prepared.amount);
    else if (prepared.line.kind === "supply") supplies = supplies.plus(prepared.amount);
  }
  return { amount, insurance, drugs, supplies };
}

/**
 * The money identities of Decision 130's table 1 between XML1 and the lines (each compared after rounding to 2
 * decimals, as qlbv does): T_TONGCHI_BV the sum of THANH_TIEN_BV, T_BHTT the sum of the lines' T_BHTT, T_THUOC of the
 * drugs', T_VTYT of the supplies'; and T_BHTT = T_TONGCHI_BH − T_BNCCT when both are sent. The line sums are not
 * checked on a claim sent without lines.
 */
export function moneyIdentity(context: Context, _rule: RuleOf<"MONEY_IDENTITY">): Hit[] {
  const { totals } = context.input;
  let sums: LineTotals | undefined;
  const sum = (which: keyof LineTotals) => (sums ??= context.lineTotals ?? sumPrepared(context))[which];
  const lineIdentities: Identity[] = [
    [
      "T_TONGCHI_BV",
      totals.total,
      () => sum("amount"),
      { vi: "tổng THANH_TIEN_BV các dòng", en: "the lines' THANH_TIEN_BV" },
    ],
    ["T_BHTT", totals.insurance, () => sum("insurance"), { vi: "tổng T_BHTT các dòng", en: "the lines' T_BHTT" }],
    [
      "T_THUOC",
      totals.drugs,
      () => sum("drugs"),
      { vi: "tổng THANH_TIEN_BV của thuốc", en: "the drugs' THANH_TIEN_BV" },
    ],
    [
      "T_VTYT",
      totals.supplies,
      () => sum("supplies"),
      { vi: "tổng THANH_TIEN_BV của vật tư y tế", en: "the supplies' THANH_TIEN_BV" },
    ],
  ];
  const { insuredTotal, coPayment } = totals;
  const identities: Identity[] = [
    ...(context.lines.length > 0 ? lineIdentities : []),
    ...(insuredTotal && coPayment
      ? [
          [
            "T_BHTT",
            totals.insurance,
            () => new Dec(insuredTotal).minus(coPayment),
            "T_TONGCHI_BH − T_BNCCT",
          ] as Identity,
        ]
      : []),
  ];
  return identities.flatMap(([field, stated, computed, formula]): Hit[] => {
    if (stated === null || stated === undefined) return [];
    const expected = cents(computed());
    if (cents(new Dec(stated)).equals(expected)) return [];
    const values = { field, stated: formatMoney(stated), computed: formatMoney(expected), formula };
    return [{ lineIndex: null, values }];
  });
}
