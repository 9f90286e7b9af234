import type { CatalogueKind } from "../assessment/types.ts";
import type { SqlSession } from "../db/client.ts";
import * as sql from "./sql.ts";

/** One code of one facility's catalogue whose entry in force changed from `affectedFrom` on, by one load. */
export interface CatalogueChange {
  /** Increasing with every change recorded: a reader keeps the last one it handled. */
  id: string;
  facilityCode: string;
  kind: CatalogueKind;
  code: string;
  /** YYYY-MM-DD: claim lines of the code ordered on or after it may be judged differently now. */
  affectedFrom: string;
  loadedAt: Date;
}

interface ChangeRow {
  id: string;
  facility_code: string;
  kind: CatalogueKind;
  code: string;
  affected_from: string;
  loaded_at: Date;
}

/**
 * The changes catalogue loads recorded after change `afterId` ("0": from the first), oldest first, at most `limit`:
 * what re-assessment (issue 23 point 5) reads to find the claims a reload concerns, a page at a time.
 */
export async function catalogueChangesAfter(db: SqlSession, afterId: string, limit = 1000): Promise<CatalogueChange[]> {
  const rows = await db.query<ChangeRow>(sql.CHANGES_AFTER, [afterId, limit]);
  return rows.map((row) => ({
    id: row.id,
    facilityCode: row.facility_code,
    kind: row.kind,
    code: row.code,
    affectedFrom: row.affected_from,
    loadedAt: new Date(row.loaded_at),
  }));
}
