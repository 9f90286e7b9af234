import { type MappedEpisode, mapEpisode } from "./map.ts";
import { type EnvelopeHeader, type ReadLimits, type ReadResult, readEnvelope } from "./parse.ts";
import type { XmlMappingRules } from "./rules.ts";

/**
 * Reading an envelope and translating its episodes: the CPU-heavy half of an
 * XML import (the XML reader over every byte of the file, base64, the inner tables,
 * the mapping), before anything is stored. Behind this seam so the Node
 * server can run it on a worker thread (src/xml/threads.ts, passed in as
 * deps.xmlReader), beside the thread that stores, while the Worker runtime
 * and the CLI run it in-thread (readEpisodesInThread). Both give the same episodes, in order, and refuse
 * the same files with the same Problem.
 */
export interface EpisodeReadOptions {
  rules: XmlMappingRules;
  limits?: Partial<ReadLimits> | undefined;
  /** The envelope named its facility (before any episode is handed over). Throw to refuse the file. */
  onHeader?: (header: EnvelopeHeader) => void | Promise<void>;
  /** SOLUONGHOSO, when the envelope states it. */
  onDeclared?: (count: number) => void | Promise<void>;
  /** Each episode translated, in file order. */
  onEpisode: (episode: MappedEpisode) => void | Promise<void>;
  /** Bytes of the body read so far (after each chunk). */
  onBytes?: (bytes: number) => void;
  /**
   * The source's chunks are the reader's to keep (a request body's): a worker thread may take their memory rather than
   * a copy.
   */
  chunksOwned?: boolean | undefined;
}

export type EpisodeReader = (
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: EpisodeReadOptions,
) => Promise<ReadResult>;

/** The tables worth decoding: the summary, those the rules call documents, and those holding the cost lines. */
export const wantedTables = (rules: XmlMappingRules) =>
  new Set(["XML1", ...Object.keys(rules.documentTables), ...Object.keys(rules.lineTables)]);

/** Reads and translates on the calling thread. */
export const readEpisodesInThread: EpisodeReader = (source, options) => {
  const wanted = wantedTables(options.rules);
  let facilityCode = "";
  return readEnvelope(source, {
    wanted: (type) => wanted.has(type),
    limits: options.limits,
    onHeader: (header) => {
      // The facility an episode must name (MA_CSKCB): the envelope's, once the caller accepted it.
      facilityCode = header.facilityCode;
      return options.onHeader?.(header);
    },
    onDeclared: options.onDeclared,
    onEpisode: (raw) => options.onEpisode(mapEpisode(raw, { rules: options.rules, facilityCode })),
    onBytes: options.onBytes,
  });
};
