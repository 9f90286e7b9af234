/**
 * The 2025 mergers (docs/domain.md "Provinces and the 2025 merger"): a merged province points to its successor, and
 * spending of a code that has a successor counts for the successor from the
 * merger on. Facilities keep their old codes.
 */

/** A province's merger: none, or its successor and the instant it took effect. */
export interface Merger {
  successorCode: string | null;
  mergedAt: Date | null;
}

/** What decides where a facility's claims count: its province and that province's merger, if any. */
export interface Attribution {
  provinceCode: string;
  province: Merger;
}

/**
 * The province whose spending a claim counts in: the facility's, or its
 * successor for a discharge at or after the merger instant. The SQL twin is
 * ACCOUNTING_PROVINCE in src/reference/reattribute.ts.
 */
export function accountingProvince(facility: Attribution, dischargedAt: Date): string {
  const { successorCode, mergedAt } = facility.province;
  return successorCode && mergedAt && dischargedAt >= mergedAt ? successorCode : facility.provinceCode;
}

export const sameMerger = (a: Merger, b: Merger) =>
  a.successorCode === b.successorCode && a.mergedAt?.getTime() === b.mergedAt?.getTime();

/** Whether two attributions place every claim alike. */
export const sameAttribution = (a: Attribution, b: Attribution) =>
  a.provinceCode === b.provinceCode && sameMerger(a.province, b.province);
