import { createHash } from "node:crypto";
import type { CatalogueKind } from "../assessment/types.ts";
import { auditInSession } from "../audit/audit.ts";
import { type Caller, requireRole } from "../auth/caller.ts";
import type { SqlSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import { Problem, notFound } from "../http/problem.ts";
import { LAYOUTS } from "./layouts.ts";
import { MAX_ROWS, type ParsedEntry, parseCatalogue } from "./parse.ts";
import * as sql from "./sql.ts";

/** The most keys each list of a load's report names; the counts are always whole (catalogue_change keeps the rest). */
export const REPORT_LIST_LIMIT = 1000;

export interface LoadInput {
  facilityCode: string;
  kind: CatalogueKind;
  /** The file as sent: CSV in the agency's layout, UTF-8 with or without a byte-order mark. */
  body: Uint8Array;
  requestId?: string | undefined;
}

/** A catalogue entry's key within its facility and kind: one tender (bid) of a code from one first day. */
export interface EntryKey {
  code: string;
  /** TT_THAU; null for an entry without one (services and staff never have one). */
  bidInfo: string | null;
  validFrom: string;
}

/**
 * What a load changed: counts, the first keys of each outcome (by code, bid, first day), and each changed code's
 * earliest affected day (over all its bids).
 */
export interface LoadReport {
  facilityCode: string;
  kind: CatalogueKind;
  loadedAt: string;
  /** Entries in the file. */
  rows: number;
  /** SHA-256 of the file as sent, to tell which file a load was. */
  sha256: string;
  counts: { added: number; changed: number; removed: number; unchanged: number };
  added: EntryKey[];
  changed: EntryKey[];
  removed: EntryKey[];
  /** Per code added, changed or removed: the first day whose entry in force is not what it was. */
  affected: { code: string; from: string }[];
  /** True when a list holds only its first REPORT_LIST_LIMIT keys. */
  truncated: boolean;
}

interface OutcomeRow {
  outcome: "added" | "changed" | "removed" | "unchanged" | "affected";
  count: number;
  codes: string[] | null;
  /** '' for no bid; null on the `affected` row, which is per code. */
  bids: string[] | null;
  days: string[] | null;
}

/** The file's entries, or the problem that refuses it whole (nothing is written). */
function fileEntries(deps: AppDeps, input: LoadInput): ParsedEntry[] {
  const costGroups = new Set(deps.rules.costs.costGroups.map((group) => group.code));
  const parsed = parseCatalogue(input.body, { kind: input.kind, facilityCode: input.facilityCode, costGroups });
  if ("tooManyRows" in parsed)
    throw new Problem(413, "too_many_rows", `a catalogue file has at most ${MAX_ROWS} rows`, undefined, undefined, {
      max: MAX_ROWS,
    });
  if ("errors" in parsed) {
    const [first] = parsed.errors;
    throw new Problem(
      422,
      "validation_failed",
      `invalid file (${LAYOUTS[input.kind].form}), nothing loaded: ${first!.path}: ${first!.message}` +
        (parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : ""),
      parsed.errors,
      undefined,
      { where: "file" },
    );
  }
  return parsed.entries;
}

/** The entries as the load statement takes them: one array per column. */
const columns = (entries: ParsedEntry[]) => [
  entries.map((entry) => entry.code),
  entries.map((entry) => entry.validFrom),
  entries.map((entry) => entry.validTo),
  entries.map((entry) => entry.name),
  entries.map((entry) => entry.concentration),
  entries.map((entry) => entry.registrationNumber),
  // Part of the key, so never null in the table: '' is "no bid".
  entries.map((entry) => entry.bidInfo ?? ""),
  entries.map((entry) => entry.unitPrice),
  entries.map((entry) => entry.costGroup),
  entries.map((entry) => entry.suppliesIncluded),
];

/** The load statement's rows as the report. */
function report(rows: OutcomeRow[], base: Pick<LoadReport, "facilityCode" | "kind" | "loadedAt" | "rows" | "sha256">) {
  const of = (outcome: OutcomeRow["outcome"]) => rows.find((row) => row.outcome === outcome);
  const keys = (outcome: "added" | "changed" | "removed") => {
    const row = of(outcome);
    return (row?.codes ?? []).map((code, index) => ({
      code,
      bidInfo: row!.bids![index] || null,
      validFrom: row!.days![index]!,
    }));
  };
  const affectedRow = of("affected");
  const affected = (affectedRow?.codes ?? []).map((code, index) => ({ code, from: affectedRow!.days![index]! }));
  const count = (outcome: OutcomeRow["outcome"]) => Number(of(outcome)?.count ?? 0);
  const counts = { added: count("added"), changed: count("changed"), removed: count("removed") };
  const truncated = [...Object.values(counts), count("affected")].some((total) => total > REPORT_LIST_LIMIT);
  return {
    ...base,
    counts: { ...counts, unchanged: count("unchanged") },
    added: keys("added"),
    changed: keys("changed"),
    removed: keys("removed"),
    affected,
    truncated,
  } satisfies LoadReport;
}

/** The load's transaction: one after another per catalogue, the diff in one statement, its audit entry. */
async function replaceCatalogue(
  session: SqlSession,
  caller: Caller | null,
  input: LoadInput & { entries: ParsedEntry[]; at: Date; sha256: string },
) {
  const { facilityCode, kind, entries, at } = input;
  await session.exec(sql.BOUND_LOAD);
  await session.query(sql.LOCK_CATALOGUE, [facilityCode, kind]);
  const rows = await session.query<OutcomeRow>(sql.LOAD_CATALOGUE, [
    facilityCode,
    kind,
    ...columns(entries),
    at,
    input.requestId ?? null,
    REPORT_LIST_LIMIT,
  ]);
  const loaded = report(rows, {
    facilityCode,
    kind,
    loadedAt: at.toISOString(),
    rows: entries.length,
    sha256: input.sha256,
  });
  const { added, changed, removed, unchanged } = loaded.counts;
  await auditInSession(
    session,
    { caller, requestId: input.requestId, at },
    {
      action: "catalogue.load",
      entity: "catalogue",
      entityId: `${facilityCode}/${kind}`,
      before: { entries: changed + removed + unchanged },
      after: { rows: entries.length, sha256: input.sha256, added, changed, removed, unchanged },
    },
  );
  return loaded;
}

/**
 * Replaces a facility's catalogue of one kind with a file in the agency's layout (central; `caller` null is the
 * operator's CLI), in one transaction: entries added, changed, removed and unchanged are counted, and only the
 * changes are written; sending the same file again changes nothing. A file with any bad row (or overlapping periods
 * for one code and bid) is refused whole. `created`: the facility had no entry of this kind before.
 */
export async function loadCatalogue(
  deps: AppDeps,
  caller: Caller | null,
  input: LoadInput,
): Promise<{ report: LoadReport; created: boolean }> {
  if (caller) requireRole(caller, "central");
  const facility = await deps.db.prisma.facility.findUnique({ where: { code: input.facilityCode } });
  if (!facility) throw notFound("facility");
  const entries = fileEntries(deps, input);
  const at = deps.clock.now();
  const sha256 = createHash("sha256").update(input.body).digest("hex");
  const loaded = await deps.db.withSession((session) =>
    replaceCatalogue(session, caller, { ...input, entries, at, sha256 }),
  );
  const { changed, removed, unchanged } = loaded.counts;
  return { report: loaded, created: changed + removed + unchanged === 0 };
}
