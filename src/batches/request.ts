import type { Caller } from "../auth/caller.ts";
import type { ClaimError } from "../claims/validate.ts";
import type { AppDeps } from "../deps.ts";
import type { Attribution } from "../domain/merger.ts";
import type { BatchResponse } from "./schema.ts";

export interface FacilityInfo extends Attribution {
  code: string;
}

/** A facility with what the batch path needs of it (its province's merger), or null if there is none. */
export function findFacilityInfo(deps: AppDeps, code: string): Promise<FacilityInfo | null> {
  return deps.db.prisma.facility.findUnique({
    where: { code },
    select: { code: true, provinceCode: true, province: { select: { successorCode: true, mergedAt: true } } },
  });
}

export interface BatchRequest {
  /** null: the operator CLI, writing straight to the database. */
  caller: Caller | null;
  facility: FacilityInfo;
  batchId: string;
  claims: unknown[];
  /** Hash of the body: the same batchId with another hash is a conflict ... */
  bodyHash: string;
  /** ... unless this says the stored raw body has the same content in other bytes (key order, spacing). */
  sameContent?: (storedRawBody: string) => boolean;
  rawBody: string;
  /**
   * Claims that arrive in another format (src/xml): those already refused while
   * being translated, by index, with their errors ...
   */
  rejected?: ReadonlyMap<number, ClaimError[]>;
  /** ... and how the response names indexes and fields of that format; applied before the response is stored. */
  present?: (response: BatchResponse) => BatchResponse;
  /** A chunk of an XML file (src/xml/import.ts): which one, from 1, of how many; stored with the batch row. */
  xmlChunk?: { chunk: number; chunks: number };
}
