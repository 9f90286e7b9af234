import { z } from "zod";
import { audit } from "../audit/audit.ts";
import { type Caller, requireRole } from "../auth/caller.ts";
import { LONG_TRANSACTION, prismaSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import { sameMerger } from "../domain/merger.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { CursorField, decodeCursor, page } from "../http/paging.ts";
import { unprocessable } from "../http/problem.ts";
import { iso } from "../http/schemas.ts";
import { reattributeClaims } from "./reattribute.ts";
import * as sql from "./sql.ts";

/**
 * The facilities a province's key covers: those recorded under the province and under any province merged into it,
 * by code, with their names.
 */
export function facilitiesOfProvince(deps: Pick<AppDeps, "db">, provinceCode: string) {
  return deps.db.prisma.facility.findMany({
    where: { OR: [{ provinceCode }, { province: { successorCode: provinceCode } }] },
    select: { code: true, name: true },
    orderBy: { code: "asc" },
  });
}

type ProvinceRow = {
  code: string;
  name: string;
  successorCode: string | null;
  mergedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};
export const provinceView = (p: ProvinceRow) => ({
  ...p,
  mergedAt: iso(p.mergedAt),
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});
type FacilityRow = { code: string; name: string; provinceCode: string; createdAt: Date; updatedAt: Date };
export const facilityView = (f: FacilityRow) => ({
  ...f,
  createdAt: f.createdAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
});

/**
 * Locks the provinces' rows, in code order, until commit: the edits that decide
 * where claims count (a province's merger, a facility's province) wait for one
 * another, so none reads the other's change half made and none misses a claim.
 * Returns the codes that exist.
 */
async function lockProvinces(tx: Prisma.TransactionClient, codes: (string | null | undefined)[]): Promise<string[]> {
  const wanted = codes.filter((c): c is string => !!c);
  const rows = await prismaSession(tx).query<{ code: string }>(sql.LOCK_PROVINCES, [wanted]);
  return rows.map((row) => row.code);
}

/**
 * Mergers are one step, so a claim never counts in a merged code: the
 * successor named is not itself merged, and a province others were merged
 * into is not merged (`successorCode` as sent: undefined keeps the one recorded).
 */
async function checkOneStep(
  tx: Prisma.TransactionClient,
  code: string,
  successorCode: string | null | undefined,
  before: ProvinceRow | null,
) {
  if (successorCode) {
    const successor = await tx.province.findUnique({ where: { code: successorCode } });
    if (!successor)
      throw unprocessable("unknown successor", [
        {
          path: "successorCode",
          code: "unknown_province",
          message: `province ${successorCode} does not exist`,
          params: { province: successorCode },
        },
      ]);
    if (successor.successorCode)
      throw unprocessable("the successor is itself merged", [
        {
          path: "successorCode",
          code: "successor_merged",
          message: `province ${successor.code} is merged into ${successor.successorCode}: name that one`,
          params: { province: successor.code, successor: successor.successorCode },
        },
      ]);
  }
  if (successorCode === undefined ? before?.successorCode : successorCode) {
    const predecessors = await tx.province.findMany({
      where: { successorCode: code },
      select: { code: true },
      orderBy: { code: "asc" },
    });
    if (predecessors.length)
      throw unprocessable("other provinces are merged into this one", [
        {
          path: "successorCode",
          code: "has_predecessors",
          message:
            `${predecessors.map((p) => p.code).join(", ")} merged into ${code}: record their merger into the ` +
            `new successor first`,
          params: { predecessors: predecessors.map((p) => p.code), province: code },
        },
      ]);
  }
}

export interface ProvinceInput {
  code: string;
  name: string;
  successorCode?: string | null | undefined;
  mergedAt?: string | null | undefined;
  requestId: string;
}

/** The claims of a province's facilities follow a merger recorded (or corrected) after it took effect. */
async function followMerger(
  deps: AppDeps,
  tx: Prisma.TransactionClient,
  before: ProvinceRow,
  row: ProvinceRow,
  at: Date,
) {
  if (sameMerger(before, row)) return 0;
  const facilities = await tx.facility.findMany({ where: { provinceCode: row.code }, select: { code: true } });
  return reattributeClaims(
    prismaSession(tx),
    deps,
    facilities.map((facility) => facility.code),
    at,
  );
}

/** Creates or updates a province (central); a merger recorded late moves the claims it concerns. */
export async function saveProvince(deps: AppDeps, caller: Caller, input: ProvinceInput) {
  requireRole(caller, "central");
  const { code, successorCode, mergedAt } = input;
  if (successorCode === code)
    throw unprocessable("a province cannot succeed itself", [
      {
        path: "successorCode",
        code: "invalid_value",
        message: "must differ from the province's own code",
        params: { reason: "self" },
      },
    ]);
  const at = deps.clock.now();
  const data = {
    name: input.name,
    ...(successorCode !== undefined ? { successorCode } : {}),
    ...(mergedAt !== undefined ? { mergedAt: mergedAt === null ? null : new Date(mergedAt) } : {}),
    updatedAt: at,
  };
  return deps.db.prisma.$transaction(async (tx) => {
    await lockProvinces(tx, [code, successorCode]);
    const before = await tx.province.findUnique({ where: { code } });
    await checkOneStep(tx, code, successorCode, before);
    const row = before
      ? await tx.province.update({ where: { code }, data })
      : await tx.province.create({ data: { code, createdAt: at, ...data } });
    const moved = before ? await followMerger(deps, tx, before, row, at) : 0;
    await audit(
      tx,
      { caller, requestId: input.requestId, at },
      {
        action: before ? "province.update" : "province.create",
        entity: "province",
        entityId: code,
        before: before && provinceView(before),
        after: { ...provinceView(row), ...(moved ? { claimsMoved: moved } : {}) },
      },
    );
    return { province: provinceView(row), created: !before };
  }, LONG_TRANSACTION);
}

/** Creates or updates a facility (central); a change of province moves its stored claims. */
export async function saveFacility(
  deps: AppDeps,
  caller: Caller,
  input: { code: string; name: string; provinceCode?: string | undefined; requestId: string },
) {
  requireRole(caller, "central");
  const { code } = input;
  const provinceCode = input.provinceCode ?? code.slice(0, 2);
  const at = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
    if ((await lockProvinces(tx, [provinceCode])).length === 0)
      throw unprocessable("unknown province", [
        {
          path: "provinceCode",
          code: "unknown_province",
          message: `province ${provinceCode} does not exist`,
          params: { province: provinceCode },
        },
      ]);
    await prismaSession(tx).query(sql.LOCK_FACILITY_ROW, [code]);
    const before = await tx.facility.findUnique({ where: { code } });
    const data = { name: input.name, provinceCode, updatedAt: at };
    const row = before
      ? await tx.facility.update({ where: { code }, data })
      : await tx.facility.create({ data: { code, createdAt: at, ...data } });
    const moved =
      before && before.provinceCode !== row.provinceCode
        ? await reattributeClaims(prismaSession(tx), deps, [code], at)
        : 0;
    await audit(
      tx,
      { caller, requestId: input.requestId, at },
      {
        action: before ? "facility.update" : "facility.create",
        entity: "facility",
        entityId: code,
        before: before && facilityView(before),
        after: { ...facilityView(row), ...(moved ? { claimsMoved: moved } : {}) },
      },
    );
    return { facility: facilityView(row), created: !before };
  }, LONG_TRANSACTION);
}

/** Provinces by code, a page at a time. */
export async function listProvinces(deps: Pick<AppDeps, "db">, query: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(query.cursor, z.tuple([CursorField.code(2)]));
  const rows = await deps.db.prisma.province.findMany({
    where: after ? { code: { gt: String(after[0]) } } : {},
    orderBy: { code: "asc" },
    take: query.limit + 1,
  });
  const { data, nextCursor } = page(rows, query.limit, (province) => [province.code]);
  return { data: data.map(provinceView), nextCursor };
}

/** Facilities by code (of one province, optionally), a page at a time. */
export async function listFacilities(
  deps: Pick<AppDeps, "db">,
  query: { limit: number; cursor?: string | undefined; province?: string | undefined },
) {
  const after = decodeCursor(query.cursor, z.tuple([CursorField.code(5)]));
  const rows = await deps.db.prisma.facility.findMany({
    where: {
      ...(query.province ? { provinceCode: query.province } : {}),
      ...(after ? { code: { gt: String(after[0]) } } : {}),
    },
    orderBy: { code: "asc" },
    take: query.limit + 1,
  });
  const { data, nextCursor } = page(rows, query.limit, (facility) => [facility.code]);
  return { data: data.map(facilityView), nextCursor };
}
