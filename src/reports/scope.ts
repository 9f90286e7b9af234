import { type Caller, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { notFound } from "../http/problem.ts";

/**
 * Which claims a report covers for this caller, resolved once: central any
 * province (or all); a province key its own (naming another is 404, as for
 * the backlog); a facility key its own facility's claims, whatever province
 * they count in. Provinces are the accounting province stored on each claim
 * (claim.province_code): a merged province's claims count for its successor
 * from the merger on, and the old code keeps those before it.
 */
export interface ReportScope {
  province: string | null;
  facility: string | null;
}

export async function reportScope(
  deps: Pick<AppDeps, "db">,
  caller: Caller,
  province: string | undefined,
): Promise<ReportScope> {
  requireRole(caller, "central", "province", "facility");
  if (caller.role === "facility") return { province: province ?? null, facility: caller.facilityCode };
  if (caller.role === "province") {
    if (province !== undefined && province !== caller.provinceCode) throw notFound("province");
    return { province: caller.provinceCode, facility: null };
  }
  if (
    province !== undefined &&
    !(await deps.db.prisma.province.findUnique({ where: { code: province }, select: { code: true } }))
  )
    throw notFound("province");
  return { province: province ?? null, facility: null };
}

/** Whether a row of (province, facility) is inside the scope. */
export const inScope = (scope: ReportScope, provinceCode: string, facilityCode: string) =>
  (scope.province === null || scope.province === provinceCode) &&
  (scope.facility === null || scope.facility === facilityCode);

export const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A report's facility filter, inside the scope: a facility key may name only itself (another is 404, as a province
 * key naming another province); anyone else any facility that exists (an unknown one is 404). A province key that
 * names a facility none of whose claims count in its province gets no rows.
 */
export async function narrowToFacility(
  deps: Pick<AppDeps, "db">,
  scope: ReportScope,
  facility: string | undefined,
): Promise<ReportScope> {
  if (facility === undefined) return scope;
  if (scope.facility !== null) {
    if (facility !== scope.facility) throw notFound("facility");
    return scope;
  }
  const known = await deps.db.prisma.facility.findUnique({ where: { code: facility }, select: { code: true } });
  if (!known) throw notFound("facility");
  return { ...scope, facility };
}
