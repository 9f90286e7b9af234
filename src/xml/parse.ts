import * as nodeBuffer from "node:buffer";
import { createHash } from "node:crypto";
import { Problem } from "../http/problem.ts";
import { formatBytes } from "../http/bytes.ts";
import { NotWellFormed, refuse, XmlReader } from "./wellformed.ts";

/**
 * Reading the Ministry of Health claim envelope as a stream:
 *
 *   GIAMDINHHS > THONGTINDONVI > MACSKCB
 *              > THONGTINHOSO > NGAYLAP, SOLUONGHOSO, DANHSACHHOSO > HOSO* > FILEHOSO* > LOAIHOSO, NOIDUNGFILE (base64)
 *              > CHUKYDONVI (the facility's signature; not verified, ignored)
 *
 * The body is hashed, decoded as strict UTF-8 and fed to the XML reader
 * (src/xml/wellformed.ts) chunk by chunk;
 * one episode (HOSO) at a time is held in memory, and only the tables asked for
 * are decoded. What makes the whole file untrustworthy is thrown as a Problem
 * (nothing may be stored from such a file); what is wrong with one episode is
 * left to the mapping, which rejects that episode alone.
 */

export interface ReadLimits {
  /** The whole body, in bytes (413 beyond). */
  maxBytes: number;
  /**
   * Characters the parser may read without finishing a tag, text node or
   * comment: bounds what it holds (413 beyond). The reader gathers 64 KiB
   * before it parses, so a node shorter than that is never held alone.
   */
  maxNodeChars: number;
  /** Element nesting, envelope and inner documents alike. */
  maxDepth: number;
  /** FILEHOSO entries in one HOSO. */
  maxTablesPerEpisode: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxBytes: 2 * 1024 ** 3,
  maxNodeChars: 64 * 1024 ** 2,
  maxDepth: 32,
  maxTablesPerEpisode: 64,
};

export interface EnvelopeHeader {
  /** MACSKCB: the facility that made the file. */
  facilityCode: string;
}

export interface RawTable {
  /** LOAIHOSO, upper case: XML1 ... XML15. */
  type: string;
  /** Position among the FILEHOSO of its HOSO, from 0. */
  position: number;
  /** The decoded inner document, for the tables asked for; null for the others. */
  xml: string | null;
}

export interface RawEpisode {
  /** Position of the HOSO in the file, from 0. */
  index: number;
  tables: RawTable[];
}

export interface ReadResult {
  header: EnvelopeHeader;
  /** SOLUONGHOSO (checked to be the number of HOSO), null when absent. */
  declaredCount: number | null;
  /** SHA-256 of the body as received, hex. */
  sha256: string;
  bytes: number;
  episodes: number;
}

export interface ReadOptions {
  /** Which tables to decode (by LOAIHOSO). The others are checked to be base64 and dropped. */
  wanted: (type: string) => boolean;
  /** Called once, as soon as the envelope names its facility (before any episode). Throw to refuse. */
  onHeader?: (header: EnvelopeHeader) => void | Promise<void>;
  /**
   * Called with SOLUONGHOSO when the envelope states it (before the episodes, in files as the standard orders them).
   */
  onDeclared?: (count: number) => void | Promise<void>;
  onEpisode: (episode: RawEpisode) => void | Promise<void>;
  /** Called after every chunk with the bytes read so far. */
  onBytes?: (bytes: number) => void;
  limits?: Partial<ReadLimits>;
}

/**
 * Whether text is base64, line-wrapped or not, padded. On a file of hundreds
 * of MB this runs over most of the bytes (the tables nobody reads are only
 * checked), so it leans on the runtime's native atob, about three times faster
 * here than a regular-expression scan. atob decodes the web's forgiving
 * base64: it drops ASCII whitespace (form feed too, which we refuse) and
 * accepts a missing final padding, which we require.
 */
export function isBase64(parts: readonly string[]): boolean {
  const text = parts.length === 1 ? parts[0]! : parts.join("");
  let decoded: string;
  try {
    decoded = atob(text);
  } catch {
    return false;
  }
  if (text.includes("\f")) return false;
  const partial = decoded.length % 3;
  // A last group of 1 or 2 bytes must carry its padding ("==" or "="), line breaks or not between them.
  return partial === 0 || lastNonSpace(text, 2).endsWith(partial === 1 ? "==" : "=");
}

/** The last `n` characters of text that are not base64's allowed whitespace. */
function lastNonSpace(text: string, count: number): string {
  let out = "";
  for (let index = text.length - 1; index >= 0 && out.length < count; index--) {
    const code = text.charCodeAt(index);
    if (code !== 32 && code !== 10 && code !== 13 && code !== 9) out = text[index] + out;
  }
  return out;
}

/** Thrown by Utf8Stream for bytes that are not UTF-8. */
class NotUtf8 extends Error {}

/**
 * Strict UTF-8 decoding of a byte stream, chunk by chunk: what TextDecoder
 * does with `fatal` and `stream`, several times faster where node:buffer has
 * isUtf8 (a sequence cut by a chunk boundary waits for the next chunk; a
 * leading BOM is dropped). Elsewhere (a runtime without isUtf8) TextDecoder.
 */
export class Utf8Stream {
  private readonly isUtf8 = (nodeBuffer as { isUtf8?: (bytes: Uint8Array) => boolean }).isUtf8;
  private readonly fallback = this.isUtf8 ? null : new TextDecoder("utf-8", { fatal: true });
  private carry: Uint8Array | null = null;
  private first = true;

  /** The text of the chunk (and of what the one before left unfinished). Throws NotUtf8. */
  decode(chunk: Uint8Array): string {
    if (this.fallback) {
      try {
        return this.fallback.decode(chunk, { stream: true });
      } catch {
        throw new NotUtf8();
      }
    }
    let bytes = chunk;
    if (this.carry) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
      this.carry = null;
    }
    // Where the last, possibly unfinished, sequence starts: at most 3 bytes back.
    let end = bytes.length;
    for (let back = end - 1; back >= 0 && back >= end - 3; back--) {
      const byte = bytes[back]!;
      if (byte < 0x80) break;
      if (byte >= 0xc0) {
        const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
        if (end - back < need) {
          this.carry = bytes.slice(back);
          end = back;
        }
        break;
      }
    }
    const whole = Buffer.from(bytes.buffer, bytes.byteOffset, end);
    if (!this.isUtf8!(whole)) throw new NotUtf8();
    let text = whole.toString("utf8");
    if (this.first && text.length) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }

  /** The end of the stream: throws NotUtf8 when it stopped inside a sequence. */
  end(): string {
    if (this.fallback) {
      try {
        return this.fallback.decode();
      } catch {
        throw new NotUtf8();
      }
    }
    if (this.carry) throw new NotUtf8();
    return "";
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A whole document's bytes as text, like TextDecoder with `fatal` (throws for bytes that are not UTF-8, drops a BOM).
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const isUtf8 = (nodeBuffer as { isUtf8?: (b: Uint8Array) => boolean }).isUtf8;
  if (!isUtf8) return strictUtf8.decode(bytes);
  if (!isUtf8(bytes)) throw new NotUtf8();
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The reader's reason is short and never quotes content. A body that is not XML is 400, as one that is not JSON. */
const malformed = (err: NotWellFormed, where: string) =>
  refuse(
    400,
    "xml_malformed",
    `the envelope is not well-formed XML: ${err.message.slice(0, 200)}`,
    where,
    "not well-formed XML",
  );

/** One envelope being read: the state the reader's events move, and the episodes waiting to be handed over. */
class EnvelopeState {
  readonly limits: typeof DEFAULT_LIMITS;
  readonly stack: string[] = [];
  readonly pending: RawEpisode[] = [];
  episodes = 0;
  facilityCode = "";
  header: EnvelopeHeader | null = null;
  headerPending = false;
  declaredCount: number | null = null;
  declaredPending = false;
  text = "";
  episode: RawEpisode | null = null;
  table: { type: string; data: string[]; position: number } | null = null;

  constructor(readonly options: ReadOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /** Where the reader is, for messages: the episode and table, or the element path. */
  readonly here = (): string => {
    const { episode, table } = this;
    if (!episode) return this.stack.join(".") || "(body)";
    return `HOSO[${episode.index}]${table ? `.FILEHOSO[${table.position}]` : ""}`;
  };

  /** A table's base64 is handed over as written and checked as base64 (no references, no markup). */
  readonly inTable = (): boolean => this.table !== null && this.stack.length === 6 && this.stack[5] === "NOIDUNGFILE";

  makeHeader(): void {
    if (this.header) return;
    if (!/^\S{1,20}$/.test(this.facilityCode.trim()))
      throw refuse(
        422,
        "envelope_invalid",
        "the envelope does not name its facility (THONGTINDONVI.MACSKCB)",
        "GIAMDINHHS.THONGTINDONVI.MACSKCB",
        "required",
        { reason: "facility" },
      );
    this.header = { facilityCode: this.facilityCode.trim() };
    this.headerPending = true;
  }

  finishTable(): void {
    const current = this.table!;
    this.table = null;
    const type = current.type.trim().toUpperCase();
    const where = `HOSO[${this.episode!.index}].FILEHOSO[${current.position}]${type ? `(${type})` : ""}.NOIDUNGFILE`;
    if (!isBase64(current.data))
      throw refuse(422, "invalid_base64", `NOIDUNGFILE of ${where} is not valid base64`, where, "not valid base64", {
        where,
      });
    let xml: string | null = null;
    if (type && this.options.wanted(type)) {
      try {
        // Node's decoder skips the whitespace isBase64 allowed.
        xml = decodeUtf8(Buffer.from(current.data.length === 1 ? current.data[0]! : current.data.join(""), "base64"));
      } catch {
        throw refuse(422, "xml_encoding", `the document in ${where} is not UTF-8`, where, "must be UTF-8", {
          reason: "document",
          where,
        });
      }
    }
    this.episode!.tables.push({ type, position: current.position, xml });
  }

  readonly onOpen = (tagName: string): void => {
    const name = upper(tagName);
    const { stack } = this;
    const parent = stack[stack.length - 1];
    stack.push(name);
    this.text = "";
    if (stack.length === 1 && name !== "GIAMDINHHS")
      throw refuse(
        422,
        "not_an_envelope",
        "the root element must be GIAMDINHHS (the claim envelope of Decision 130/4750 or 4210)",
        name,
        "must be GIAMDINHHS",
        { reason: "root" },
      );
    // Each part counts only at its place in the envelope (GIAMDINHHS.THONGTINHOSO.DANHSACHHOSO.HOSO.FILEHOSO):
    // a HOSO or FILEHOSO nested anywhere else is content, read and checked as such.
    if (name === "HOSO" && stack.length === 4 && parent === "DANHSACHHOSO" && stack[1] === "THONGTINHOSO") {
      this.makeHeader();
      this.episode = { index: this.episodes, tables: [] };
    } else if (name === "FILEHOSO" && this.episode && stack.length === 5) {
      if (this.episode.tables.length >= this.limits.maxTablesPerEpisode)
        throw refuse(
          422,
          "envelope_invalid",
          `a HOSO has more than ${this.limits.maxTablesPerEpisode} FILEHOSO`,
          this.here(),
          "too many FILEHOSO",
          { reason: "tables", max: this.limits.maxTablesPerEpisode },
        );
      this.table = { type: "", data: [], position: this.episode.tables.length };
    }
  };

  readonly onText = (chunk: string): void => {
    const name = this.stack[this.stack.length - 1];
    if (this.inTable()) this.table!.data.push(chunk);
    else if (name === "LOAIHOSO" || name === "MACSKCB" || name === "SOLUONGHOSO") this.text += chunk;
  };

  /** SOLUONGHOSO: the number of episodes the envelope says it holds. */
  private declare(): void {
    const declared = this.text.trim();
    if (!/^\d{1,9}$/.test(declared))
      throw refuse(
        422,
        "envelope_invalid",
        "SOLUONGHOSO must be a number",
        "GIAMDINHHS.THONGTINHOSO.SOLUONGHOSO",
        "must be a number",
        { reason: "count_format" },
      );
    this.declaredCount = Number(declared);
    this.declaredPending = true;
  }

  readonly onClose = (): void => {
    const name = this.stack.pop()!;
    const depth = this.stack.length;
    if (depth <= 2) this.closeHeaderPart(name, depth);
    else if (name === "LOAIHOSO" && this.table && depth === 5) this.table.type = this.text;
    else if (name === "FILEHOSO" && this.table && depth === 4) this.finishTable();
    else if (name === "HOSO" && this.episode && depth === 3) {
      this.pending.push(this.episode);
      this.episode = null;
      this.episodes += 1;
    }
    this.text = "";
  };

  /** The envelope's parts above the episodes: the facility, the declared count. */
  private closeHeaderPart(name: string, depth: number): void {
    const parent = this.stack[this.stack.length - 1];
    if (name === "MACSKCB" && depth === 2 && parent === "THONGTINDONVI") this.facilityCode = this.text;
    else if (name === "SOLUONGHOSO" && depth === 2 && parent === "THONGTINHOSO") this.declare();
    else if (name === "THONGTINDONVI" && depth === 1) this.makeHeader();
  }

  /** Hands over what is ready, between chunks, so the handlers may be async (the spool writes to disk). */
  async drain(): Promise<void> {
    if (this.headerPending) {
      this.headerPending = false;
      await this.options.onHeader?.(this.header!);
    }
    if (this.declaredPending) {
      this.declaredPending = false;
      await this.options.onDeclared?.(this.declaredCount!);
    }
    while (this.pending.length) await this.options.onEpisode(this.pending.shift()!);
  }

  /** What a whole envelope must have once read: episodes, as many as it says. */
  checkComplete(): void {
    const { episodes, declaredCount } = this;
    if (episodes === 0)
      throw refuse(
        422,
        "envelope_invalid",
        "the envelope holds no HOSO (THONGTINHOSO.DANHSACHHOSO.HOSO)",
        "GIAMDINHHS.THONGTINHOSO.DANHSACHHOSO",
        "at least one HOSO is required",
        { reason: "empty" },
      );
    if (declaredCount !== null && declaredCount !== episodes)
      throw refuse(
        422,
        "envelope_invalid",
        `SOLUONGHOSO says ${declaredCount} episodes but the file holds ${episodes}`,
        "GIAMDINHHS.THONGTINHOSO.SOLUONGHOSO",
        `must equal the number of HOSO (${episodes})`,
        { reason: "count", declared: declaredCount, found: episodes },
      );
  }
}

/** Runs one step of the XML reader; its well-formedness errors become the envelope's 400. */
function reading(state: EnvelopeState, step: () => void): void {
  try {
    step();
  } catch (err) {
    throw err instanceof NotWellFormed ? malformed(err, state.here()) : err;
  }
}

const tooLarge = (maxBytes: number) =>
  new Problem(413, "payload_too_large", `the request body is over ${formatBytes(maxBytes)}`, undefined, undefined, {
    bytes: maxBytes,
  });

/**
 * Reads an envelope from a byte stream. Resolves when the whole body was read
 * and every episode handed to `onEpisode`; rejects with a Problem for a file
 * that must be refused whole.
 */
export async function readEnvelope(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ReadOptions,
): Promise<ReadResult> {
  const state = new EnvelopeState(options);
  const { limits } = state;
  const hash = createHash("sha256");
  const decoder = new Utf8Stream();
  const xml = new XmlReader(
    { open: state.onOpen, text: state.onText, close: state.onClose },
    { maxDepth: limits.maxDepth, where: state.here, verbatim: state.inTable },
  );
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.byteLength;
    if (bytes > limits.maxBytes) throw tooLarge(limits.maxBytes);
    hash.update(chunk);
    let decoded: string;
    try {
      decoded = decoder.decode(chunk);
    } catch {
      throw refuse(400, "xml_encoding", `the body is not UTF-8 (near byte ${bytes})`, state.here(), "must be UTF-8", {
        reason: "body",
        byte: bytes,
      });
    }
    reading(state, () => xml.write(decoded));
    if (xml.unfinished > limits.maxNodeChars)
      throw refuse(
        413,
        "xml_node_too_large",
        `one tag or text node is over ${limits.maxNodeChars} characters`,
        state.here(),
        "node too large",
        { chars: limits.maxNodeChars },
      );
    await state.drain();
    options.onBytes?.(bytes);
  }
  if (bytes === 0) throw refuse(422, "not_an_envelope", "the body is empty", "(body)", "required", { reason: "empty" });
  try {
    decoder.end();
  } catch {
    throw refuse(400, "xml_encoding", "the body ends inside a UTF-8 sequence", "(body)", "must be UTF-8", {
      reason: "truncated",
    });
  }
  reading(state, () => xml.end());
  state.makeHeader();
  await state.drain();
  state.checkComplete();
  const { header, declaredCount, episodes } = state;
  return { header: header!, declaredCount, sha256: hash.digest("hex"), bytes, episodes };
}

export interface ParsedTable {
  /** The root element's name, upper case (TONG_HOP for XML1). */
  root: string;
  /** Text of each child of the root, by upper-case name (first occurrence), untrimmed. */
  fields: Map<string, string>;
}

/**
 * Element names in upper case, from a bounded cache: the same few dozen field
 * names come back in every summary, and a name that is the same string each
 * time is cheaper to upper-case and to look up in a Map (its hash is kept).
 */
const upperNames = new Map<string, string>();
function upper(name: string): string {
  let upperName = upperNames.get(name);
  if (upperName === undefined) {
    upperName = name.toUpperCase();
    if (upperNames.size < 1024) upperNames.set(name, upperName);
  }
  return upperName;
}

/** One reader for every inner document (a reader per table would cost more than parsing a summary). */
class TableReader {
  private readonly xml: XmlReader;
  private where = "";
  private depth = 0;
  private root = "";
  private fields = new Map<string, string>();
  private current: string | null = null;
  private value = "";

  constructor(readonly maxDepth: number) {
    this.xml = new XmlReader(
      { open: (name) => this.open(name), text: (t) => this.text(t), close: () => this.close() },
      { maxDepth, where: () => this.where },
    );
  }

  private open(name: string) {
    this.depth += 1;
    if (this.depth === 1) this.root = upper(name);
    else if (this.depth === 2) {
      this.current = upper(name);
      this.value = "";
    }
  }

  private text(chunk: string) {
    if (this.depth === 2 && this.current !== null) this.value += chunk;
  }

  private close() {
    if (this.depth === 2 && this.current !== null) {
      if (!this.fields.has(this.current)) this.fields.set(this.current, this.value);
      this.current = null;
    }
    this.depth -= 1;
  }

  read(xml: string, where: string): ParsedTable {
    this.where = where;
    this.depth = 0;
    this.root = "";
    this.fields = new Map();
    this.current = null;
    this.xml.parse(xml);
    return { root: this.root, fields: this.fields };
  }
}

/** Reads a detail table (XML2, XML3): every element named `row`, wherever it sits, its children as fields. */
class RowReader {
  private readonly xml: XmlReader;
  private where = "";
  private depth = 0;
  private rowDepth = 0;
  private row = "";
  private rows: Map<string, string>[] = [];
  private current: string | null = null;
  private value = "";

  constructor(readonly maxDepth: number) {
    this.xml = new XmlReader(
      { open: (name) => this.open(name), text: (t) => this.text(t), close: () => this.close() },
      { maxDepth, where: () => this.where },
    );
  }

  private open(name: string) {
    this.depth += 1;
    if (this.rowDepth === 0 && upper(name) === this.row) {
      this.rowDepth = this.depth;
      this.rows.push(new Map());
    } else if (this.rowDepth !== 0 && this.depth === this.rowDepth + 1) {
      this.current = upper(name);
      this.value = "";
    }
  }

  private text(chunk: string) {
    if (this.current !== null && this.depth === this.rowDepth + 1) this.value += chunk;
  }

  private close() {
    if (this.current !== null && this.depth === this.rowDepth + 1) {
      const fields = this.rows[this.rows.length - 1]!;
      if (!fields.has(this.current)) fields.set(this.current, this.value);
      this.current = null;
    }
    if (this.depth === this.rowDepth) this.rowDepth = 0;
    this.depth -= 1;
  }

  read(xml: string, where: string, row: string): Map<string, string>[] {
    this.where = where;
    this.depth = 0;
    this.rowDepth = 0;
    this.row = row;
    this.rows = [];
    this.current = null;
    this.xml.parse(xml);
    return this.rows;
  }
}

let rowReader: RowReader | null = null;

/**
 * The rows of a detail table (the decoded NOIDUNGFILE of XML2 or XML3): the fields of each element named `row`
 * (CHI_TIET_THUOC, CHI_TIET_DVKT), by upper-case name, untrimmed. Refused or returned as parseTable is.
 */
export function parseRows(
  xml: string,
  where: string,
  row: string,
  maxDepth = DEFAULT_LIMITS.maxDepth,
): Map<string, string>[] | { malformed: string } {
  const rows = rowReader?.maxDepth === maxDepth ? rowReader : (rowReader = new RowReader(maxDepth));
  return orMalformed(() => rows.read(xml, where, row));
}

/** What `read` gives, or why the inner document is not well-formed; anything worse is thrown. */
function orMalformed<T>(read: () => T): T | { malformed: string } {
  try {
    return read();
  } catch (err) {
    if (err instanceof NotWellFormed) return { malformed: err.message.slice(0, 200) };
    throw err;
  }
}

let reader: TableReader | null = null;

/**
 * Parses one inner document (the decoded NOIDUNGFILE of a table) into its root
 * name and flat fields. A DOCTYPE, deep nesting or a non-UTF-8 declaration make
 * the whole file untrustworthy (thrown); a document that is merely not
 * well-formed is that episode's problem (returned).
 */
export function parseTable(
  xml: string,
  where: string,
  maxDepth = DEFAULT_LIMITS.maxDepth,
): ParsedTable | { malformed: string } {
  const tableReader = reader?.maxDepth === maxDepth ? reader : (reader = new TableReader(maxDepth));
  return orMalformed(() => tableReader.read(xml, where));
}
