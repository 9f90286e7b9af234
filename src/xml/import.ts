import type { Caller } from "../auth/caller.ts";
import { ingestBatch } from "../batches/ingest.ts";
import { type FacilityInfo, findFacilityInfo } from "../batches/request.ts";
import type { BatchResponse } from "../batches/schema.ts";
import { MAX_CLAIMS_PER_BATCH } from "../batches/schema.ts";
import type { ClaimError } from "../claims/validate.ts";
import type { AppDeps } from "../deps.ts";
import { conflict, forbidden, unprocessable } from "../http/problem.ts";
import { type MappedEpisode, xmlField } from "./map.ts";
import type { ReadLimits } from "./parse.ts";
import { type EpisodeReader, readEpisodesInThread } from "./read.ts";
import { Spool } from "./spool.ts";
import { chargeClaims } from "../limits/charge.ts";

/** Episodes per stored chunk: the JSON path's batch size. */
export const XML_CHUNK_SIZE = MAX_CLAIMS_PER_BATCH;

export interface XmlImport {
  /** null: the operator CLI, straight to the database. */
  caller: Caller | null;
  /**
   * The facility the file must be for (a facility key's own, or the one named); undefined: the one the envelope names.
   */
  facilityCode?: string | undefined;
  /** The file's batchId; default `xml-<SHA-256 of the body>`. */
  batchId?: string | undefined;
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** The body's chunks are the import's to keep (a request body's): see EpisodeReadOptions.chunksOwned. */
  bodyOwned?: boolean;
  chunkSize?: number;
  limits?: Partial<ReadLimits>;
  onProgress?: (progress: XmlProgress) => void;
  /** Who reads and translates the file; default deps.xmlReader, else on this thread. */
  reader?: EpisodeReader;
}

export interface XmlProgress {
  phase: "reading" | "storing";
  bytes: number;
  /** SOLUONGHOSO, once the envelope said it. */
  declared: number | null;
  read: number;
  stored: number;
}

export interface XmlChunk {
  batchId: string;
  received: number;
  /** Stored by an earlier request (a resend, or a resumed one): its first response, nothing changed. */
  replayed: boolean;
}

export interface XmlBatchResponse extends BatchResponse {
  chunks: XmlChunk[];
}

/**
 * A copy of a string that shares no memory with the one it came from. Parsed
 * values are slices of their inner document: a set of MA_LK kept for a whole
 * file would otherwise keep every episode's summary alive.
 */
const detached = (s: string) => Buffer.from(s, "utf8").toString("utf8");

/** Chunk k (from 0) of a file: the file's batchId itself, then `<batchId>:2`, `<batchId>:3` ... */
export const chunkBatchId = (batchId: string, k: number) => (k === 0 ? batchId : `${batchId}:${k + 1}`);

async function findFacility(deps: AppDeps, code: string): Promise<FacilityInfo> {
  const facility = /^\d{5}$/.test(code) ? await findFacilityInfo(deps, code) : null;
  if (!facility)
    throw unprocessable("unknown facility", [
      { path: "GIAMDINHHS.THONGTINDONVI.MACSKCB", code: "unknown_facility", message: "no such facility" },
    ]);
  return facility;
}

/** A chunk's response in the file's terms: episodes by their HOSO position, fields by table and name. */
function present(response: BatchResponse, items: MappedEpisode[]): BatchResponse {
  return {
    ...response,
    claims: response.claims.map((c) => ({ ...c, index: items[c.index]!.index })),
    errors: response.errors.map(inFile),
    ...(response.warnings ? { warnings: response.warnings.map(inFile) } : {}),
  };

  function inFile<F extends BatchResponse["errors"][number]>(finding: F): F {
    const item = items[finding.index]!;
    const json = /^claims\[\d+\]\.?(.*)$/.exec(finding.path);
    const where = json
      ? xmlField(json[1]!, finding.code, finding.message, item)
      : { path: finding.path, message: finding.message };
    return { ...finding, index: item.index, path: `HOSO[${item.index}].${where.path}`, message: where.message };
  }
}

/**
 * Imports one envelope: reads and translates all of it first (a file that
 * must be refused stores nothing), then stores it in chunks of XML_CHUNK_SIZE
 * episodes, each an ordinary batch (src/batches/ingest.ts) whose batchId is
 * derived from the file's. A chunk already stored under its batchId with the
 * same file replays its first response, so sending a file again is idempotent
 * and a send that broke off resumes where it stopped.
 */
/** The read file: where each chunk is stored, and which chunks a previous send already stored. */
interface FileRun {
  deps: AppDeps;
  req: XmlImport;
  facility: FacilityInfo;
  sha256: string;
  batchId: string;
  ids: string[];
  already: Set<string>;
}

/** The reader's handlers: the file's facility checked, MA_LK unique in the file, episodes spooled, progress told. */
function readHandlers(deps: AppDeps, req: XmlImport, spool: Spool<MappedEpisode>, progress: XmlProgress) {
  const found: { facility: FacilityInfo | null } = { facility: null };
  // MA_LK is the claimId: a second episode with one in the same file is refused, as in one JSON batch.
  const seen = new Set<string>();
  const handlers = {
    onHeader: async (header: { facilityCode: string }) => {
      if (req.facilityCode !== undefined && header.facilityCode !== req.facilityCode)
        throw forbidden(
          `the envelope is facility ${header.facilityCode.slice(0, 20)}'s (MACSKCB); this request is for ` +
            `${req.facilityCode}`,
          { reason: "envelope_facility", envelope: header.facilityCode.slice(0, 20), requested: req.facilityCode },
        );
      found.facility = await findFacility(deps, header.facilityCode);
    },
    onDeclared: (count: number) => {
      progress.declared = count;
    },
    onEpisode: async (mapped: MappedEpisode) => {
      if (mapped.claim && mapped.claimId !== null) {
        if (seen.has(mapped.claimId)) {
          mapped.errors.push({
            path: "XML1.MA_LK",
            code: "duplicate_in_batch",
            message: "this MA_LK appears earlier in the same file",
          });
          mapped.claim = null;
        } else seen.add(detached(mapped.claimId));
      }
      await spool.push(mapped);
      progress.read += 1;
    },
    onBytes: (bytes: number) => {
      progress.bytes = bytes;
      req.onProgress?.({ ...progress });
    },
  };
  return { handlers, found };
}

/** The chunks' batchIds, and which of them are stored already (409 when one was stored from another file). */
async function planChunks(
  deps: AppDeps,
  req: XmlImport,
  facility: FacilityInfo,
  read: { sha256: string; episodes: number },
  chunkSize: number,
) {
  const batchId = req.batchId ?? `xml-${read.sha256}`;
  const ids = Array.from({ length: Math.ceil(read.episodes / chunkSize) }, (_, k) => chunkBatchId(batchId, k));
  const stored = await deps.db.prisma.batch.findMany({
    where: { facilityCode: facility.code, batchId: { in: ids } },
    select: { batchId: true, bodyHash: true },
  });
  if (stored.some((row) => row.bodyHash !== read.sha256))
    throw conflict("batch_conflict", `batch ${batchId} was already received with different content`, { batchId });
  const already = new Set(stored.map((row) => row.batchId));
  return { deps, req, facility, sha256: read.sha256, batchId, ids, already } satisfies FileRun;
}

/** Stores one chunk as an ordinary batch, or replays the response it was stored with. */
async function storeChunk(run: FileRun, items: MappedEpisode[], partIndex: number) {
  const { deps, facility } = run;
  const id = run.ids[partIndex]!;
  if (run.already.has(id)) {
    const row = await deps.db.prisma.batch.findUniqueOrThrow({
      where: { facilityCode_batchId: { facilityCode: facility.code, batchId: id } },
      select: { response: true },
    });
    return { id, part: row.response as unknown as BatchResponse, replayed: true };
  }
  const rejected = new Map<number, ClaimError[]>();
  items.forEach((item, local) => {
    if (!item.claim)
      rejected.set(
        local,
        item.errors.map((error) => ({
          index: local,
          ...(item.claimId !== null ? { claimId: item.claimId.slice(0, 100) } : {}),
          ...error,
        })),
      );
  });
  const result = await ingestBatch(deps, {
    caller: run.req.caller,
    facility,
    batchId: id,
    claims: items.map((item) => item.claim),
    bodyHash: run.sha256,
    // The file itself may be hundreds of MB: what is kept is its hash and what each episode was read as.
    rawBody: JSON.stringify({
      format: "xml",
      sha256: run.sha256,
      batchId: run.batchId,
      chunk: partIndex + 1,
      chunks: run.ids.length,
      episodes: items.map((item) => ({ hoso: item.index, claim: item.claim })),
    }),
    rejected,
    present: (response) => present(response, items),
    xmlChunk: { chunk: partIndex + 1, chunks: run.ids.length },
  });
  return { id, part: result.response, replayed: result.status === 200 };
}

/** The file's response: the chunks' responses added up, each chunk listed. */
function fileResponse(run: FileRun, parts: BatchResponse[], chunks: XmlChunk[]): XmlBatchResponse {
  const sum = (count: (part: BatchResponse) => number) => parts.reduce((total, part) => total + count(part), 0);
  return {
    batchId: run.batchId,
    facilityCode: run.facility.code,
    received: sum((part) => part.received),
    accepted: sum((part) => part.accepted),
    pendingDocumentation: sum((part) => part.pendingDocumentation),
    rejected: sum((part) => part.rejected),
    corrected: sum((part) => part.corrected),
    unchanged: sum((part) => part.unchanged),
    claims: parts.flatMap((part) => part.claims),
    errors: parts.flatMap((part) => part.errors),
    warnings: parts.flatMap((part) => part.warnings ?? []),
    chunks,
  };
}

export async function importXml(
  deps: AppDeps,
  req: XmlImport,
): Promise<{ status: 200 | 201; response: XmlBatchResponse }> {
  const chunkSize = req.chunkSize ?? XML_CHUNK_SIZE;
  const spool = new Spool<MappedEpisode>(chunkSize);
  const progress: XmlProgress = { phase: "reading", bytes: 0, declared: null, read: 0, stored: 0 };
  const tell = () => req.onProgress?.({ ...progress });
  const reader = req.reader ?? deps.xmlReader ?? readEpisodesInThread;
  try {
    const { handlers, found } = readHandlers(deps, req, spool, progress);
    const read = await reader(req.body, {
      rules: deps.rules.xml,
      limits: req.limits,
      chunksOwned: req.bodyOwned,
      ...handlers,
    });
    const run = await planChunks(deps, req, found.facility!, read, chunkSize);
    // A resend is charged only the episodes of chunks not stored yet (a replay is free, a resume pays the rest).
    const unstored = run.ids.reduce(
      (sum, id, k) => (run.already.has(id) ? sum : sum + Math.min(chunkSize, read.episodes - k * chunkSize)),
      0,
    );
    await chargeClaims(deps, run.facility.code, unstored);
    progress.phase = "storing";
    tell();
    const chunks: XmlChunk[] = [];
    const parts: BatchResponse[] = [];
    let partIndex = 0;
    for await (const items of spool.chunks()) {
      const { id, part, replayed } = await storeChunk(run, items, partIndex);
      chunks.push({ batchId: id, received: part.received, replayed });
      parts.push(part);
      progress.stored += items.length;
      tell();
      partIndex += 1;
    }
    return { status: chunks.every((chunk) => chunk.replayed) ? 200 : 201, response: fileResponse(run, parts, chunks) };
  } finally {
    await spool.dispose();
  }
}
