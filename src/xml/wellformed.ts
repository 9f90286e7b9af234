import { Parser } from "saxen";
import { type MessageParams, Problem, type ProblemFieldError } from "../http/problem.ts";

/**
 * XML as the claim files are read: saxen underneath, XML 1.0's
 * well-formedness and this service's refusals on top.
 *
 * saxen finds markup with indexOf, so the envelope's long base64 text costs
 * almost nothing to step over (saxes read it one character at a time: most of
 * an import's CPU). It checks the structure itself (tags that do not match or
 * stay open, names, attribute syntax when asked, text outside the root) and
 * leaves the rest to its user; this module does the rest on its events:
 * references and characters in text and attribute values, comments, the XML
 * declaration's place and form, one root, CDATA inside it, nothing but white
 * space around the root, line ends normalised to "\n". What it refuses is
 * NotWellFormed; a DOCTYPE (the door to external entities and entity
 * expansion), nesting past the limit and a declared encoding other than UTF-8
 * are refusals of the whole file (a Problem). test/unit/xml-wellformed.test.ts
 * holds it to what XML calls well-formed.
 *
 * Where it is stricter than XML (legal documents refused; no claim file is
 * written so): element and attribute names are ASCII, an attribute has no
 * white space around its "=", a comment does not begin with ">" or "->", and
 * the text "__proto__=" appears nowhere (saxen keeps attributes in a plain
 * object, where an attribute of that name would vanish unchecked). Where it
 * is more lenient: Unicode spaces (a no-break space, say) between the root
 * and a comment or processing instruction outside it are let through (they
 * carry nothing that is read); lone surrogates cannot reach it (strict UTF-8
 * comes first); a version="1.1" document is read by 1.0's rules. And one
 * refusal that is not about XML: read in pieces, a comment, CDATA section or
 * instruction that holds ">" and is longer than about half of the node bound
 * (32 Mi characters by default) may be refused as too large (413): while
 * saxen holds it, what was written after it counts too.
 */

export class NotWellFormed extends Error {}

/** A whole file refused: the problem, and its one field error repeating its code (`params` serve both's Vietnamese). */
export const refuse = (
  status: 400 | 413 | 422,
  code: string,
  detail: string,
  path = "(body)",
  message = detail,
  params?: MessageParams,
) =>
  new Problem(status, code, detail, [{ path, code, message, params } satisfies ProblemFieldError], undefined, params);

const UTF8 = /^utf-?8$/i;

/**
 * XML encodings other than UTF-8 are refused: the standard says UTF-8, and a Latin-1 or UTF-16 file would be misread.
 */
function checkDeclaredEncoding(encoding: string | undefined, where: string) {
  if (encoding !== undefined && !UTF8.test(encoding))
    throw refuse(
      422,
      "xml_encoding",
      `the XML declares encoding "${encoding.slice(0, 40)}"; only UTF-8 is accepted`,
      where,
      "must be UTF-8",
      { reason: "declared", encoding: encoding.slice(0, 40) },
    );
}

const SPACE = "[ \\t\\r\\n]";
const quoted = (value: string) => `(?:"(${value})"|'(${value})')`;
const DECLARATION = new RegExp(
  `^<\\?xml${SPACE}+version${SPACE}*=${SPACE}*${quoted("1\\.[0-9]+")}` +
    `(?:${SPACE}+encoding${SPACE}*=${SPACE}*${quoted("[A-Za-z][A-Za-z0-9._-]*")})?` +
    `(?:${SPACE}+standalone${SPACE}*=${SPACE}*${quoted("yes|no")})?${SPACE}*\\?>$`,
);
const INSTRUCTION_TARGET = /^<\?([A-Za-z_:][A-Za-z0-9._:-]*)(?:[ \t\r\n]|\?>$)/;
/**
 * Characters XML 1.0 allows nowhere (a lone surrogate cannot come out of strict UTF-8; a reference to one is checked
 * below).
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const FORBIDDEN_CHARACTER = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
/** An attribute named __proto__, which saxen's plain object drops unread. */
const PROTO_ATTRIBUTE = /__proto__[ \t\r\n]*=/;
/** Anything but XML's white space (JavaScript's trim, which saxen uses outside the root, takes more). */
const NOT_XML_SPACE = /[^ \t\r\n]/;
/**
 * Whether text is only its characters: none forbidden, no reference. Most
 * text is, and most is a few characters long: a loop costs a fraction of a
 * regular expression's call (80,000 text nodes in a 1,000-episode file).
 */
function isPlain(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 ? code !== 0x9 && code !== 0xa && code !== 0xd : code === 0x26 || code >= 0xfffe) return false;
  }
  return true;
}
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));|&/g;
const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

const isXmlCharacter = (c: number) =>
  c === 0x9 ||
  c === 0xa ||
  c === 0xd ||
  (c >= 0x20 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd) ||
  (c >= 0x10000 && c <= 0x10ffff);

/**
 * Text or an attribute value as XML means it: references decoded; a bare `&`, an undefined entity or a forbidden
 * character refused.
 */
export function decodeText(raw: string, what: string): string {
  if (isPlain(raw)) return raw;
  if (FORBIDDEN_CHARACTER.test(raw)) throw new NotWellFormed(`a character XML does not allow, in ${what}`);
  return raw.replace(REFERENCE, (_, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (name) return PREDEFINED[name]!;
    if (decimal === undefined && hex === undefined)
      throw new NotWellFormed(`a bare & or an entity XML does not define, in ${what}`);
    const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex!, 16);
    if (!isXmlCharacter(code)) throw new NotWellFormed(`a reference to a character XML does not allow, in ${what}`);
    return String.fromCodePoint(code);
  });
}

export interface XmlEvents {
  open(name: string): void;
  /** Text and CDATA, decoded; as written where `verbatim` said so. */
  text(text: string): void;
  close(name: string): void;
}

export interface XmlReaderOptions {
  maxDepth: number;
  /** Where in the file the reader is, for the path of a refusal. */
  where: () => string;
  /**
   * The text about to be handed over is checked by the caller (base64 has no markup): pass it on as written, unless it
   * holds a reference.
   */
  verbatim?: () => boolean;
}

/**
 * Writes shorter than this are gathered first: a write costs saxen a scan of what it still holds (and writes grow with
 * that, below).
 */
const MIN_WRITE = 64 * 1024;

/**
 * text.lastIndexOf(c), without its cost: V8 searches backwards one character
 * at a time (11 ms over a 7 MB envelope), forwards natively. So the last few
 * hundred characters backwards, then forwards from occurrence to occurrence.
 */
export function lastIndex(text: string, char: string): number {
  const tail = Math.max(0, text.length - 256);
  const near = tail === 0 ? text.lastIndexOf(char) : text.slice(tail).lastIndexOf(char);
  if (near !== -1 || tail === 0) return near === -1 ? -1 : tail + near;
  let last = -1;
  for (let index = text.indexOf(char); index !== -1 && index < tail; index = text.indexOf(char, index + 1))
    last = index;
  return last;
}

/** XML reads \r\n and a lone \r as \n (a &#13; reference stays a carriage return: normalise before decoding). */
const newlines = (text: string) => (text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text);

/**
 * One XML document, written in pieces (`write`, then `end`) or whole
 * (`parse`, reusable for the next document, after a failure too). Events go to
 * `events` as saxen finds them; refusals are thrown from `write`, `end` and
 * `parse`.
 */
export class XmlReader {
  private readonly parser = new Parser();
  private depth = 0;
  private root: "before" | "inside" | "after" = "before";
  private events = 0;
  /** The document's first characters: an XML declaration must be at the very start. */
  private start = "";
  /** What was written and not yet given to saxen: given only up to a "<", so no tag is ever cut between two writes. */
  private pending: string[] = [];
  private pendingChars = 0;
  /** Where the last "<" is in `pending`: characters before it. */
  private cut = -1;
  /**
   * `pending` before this index was joined into blocks: tiny pieces of a long node are joined once each, not again and
   * again.
   */
  private joined = 0;
  /**
   * Characters saxen holds unfinished, about: what was given since the last
   * write that finished something. (A write's text after its last ">" is
   * finished by the next write, which begins with "<"; a comment, CDATA
   * section or instruction may hold "<" and ">" and stay unfinished for many.)
   */
  private held = 0;
  /**
   * The last write to saxen finished nothing: all that is pending may belong
   * to what it holds. (Where that ends is not known here, so the estimate may
   * run up to twice the node's length: erring on the side of memory.)
   */
  private stalled = false;
  /** Seen a "<" yet: before it, only white space. */
  private markup = false;
  /** Something other than white space after the last ">" so far: at the end, text after the root. */
  private trailing = false;
  /** The end of the last piece, for a pattern cut between two pieces. */
  private carry = "";

  constructor(
    private readonly on: XmlEvents,
    private readonly options: XmlReaderOptions,
  ) {
    const parser = this.parser;
    parser.on("openTag", (name, getAttrs) => this.openTag(name, getAttrs));
    parser.on("closeTag", (name) => {
      this.events += 1;
      this.on.close(name);
      if (--this.depth === 0) this.root = "after";
    });
    parser.on("text", (text) => {
      this.events += 1;
      // Base64 wrapped with &#13; or padded with &#61; is still base64 once decoded.
      if (options.verbatim?.() && !text.includes("&")) return this.on.text(text);
      if (text.includes("]]>")) throw new NotWellFormed("]]> in text");
      this.on.text(decodeText(newlines(text), "text"));
    });
    parser.on("cdata", (text) => {
      this.events += 1;
      if (this.depth === 0) throw new NotWellFormed("a CDATA section outside the root element");
      if (options.verbatim?.()) return this.on.text(text);
      if (FORBIDDEN_CHARACTER.test(text)) throw new NotWellFormed("a character XML does not allow, in CDATA");
      this.on.text(newlines(text));
    });
    parser.on("comment", (text) => {
      this.events += 1;
      if (text.includes("--") || text.endsWith("-")) throw new NotWellFormed("-- inside a comment");
      if (FORBIDDEN_CHARACTER.test(text)) throw new NotWellFormed("a character XML does not allow, in a comment");
    });
    parser.on("question", (text) => this.instruction(text));
    parser.on("attention", (text) => this.declaration(text));
    const fail = (err: Error) => {
      throw new NotWellFormed(err.message);
    };
    parser.on("warn", fail);
    parser.on("error", fail);
  }

  /** An element opens: one root, bounded depth, attributes well-formed. */
  private openTag(name: string, getAttrs: () => Record<string, string>) {
    this.events += 1;
    if (this.root === "after") throw new NotWellFormed("a second root element");
    this.root = "inside";
    if (++this.depth > this.options.maxDepth)
      throw refuse(
        422,
        "xml_too_deep",
        `elements are nested more than ${this.options.maxDepth} deep`,
        this.options.where(),
        `nesting deeper than ${this.options.maxDepth}`,
        { depth: this.options.maxDepth },
      );
    // Asking for the attributes makes saxen check their syntax (quotes, "=", repeats): its complaints arrive as
    // "warn".
    const attributes = getAttrs();
    for (const attribute in attributes) {
      if (attributes[attribute]!.includes("<")) throw new NotWellFormed("a < in an attribute value");
      decodeText(attributes[attribute]!, "an attribute value");
    }
    this.on.open(name);
  }

  /** `<!...>` outside comments and CDATA: a DOCTYPE is refused as such, anything else is not XML. */
  private declaration(text: string): never {
    if (/^<!DOCTYPE/i.test(text))
      throw refuse(
        422,
        "xml_doctype_forbidden",
        "a DOCTYPE is not allowed (no DTDs, external entities or entity definitions)",
        this.options.where(),
        "DOCTYPE not allowed",
      );
    throw new NotWellFormed("a markup declaration outside a DOCTYPE");
  }

  /** `<?target ...?>`: the XML declaration must open the document and say version 1.x; others are let be. */
  private instruction(text: string) {
    const first = this.events === 0;
    this.events += 1;
    const target = INSTRUCTION_TARGET.exec(text)?.[1];
    if (!target) throw new NotWellFormed("a processing instruction without a target");
    if (FORBIDDEN_CHARACTER.test(text))
      throw new NotWellFormed("a character XML does not allow, in a processing instruction");
    if (target.toLowerCase() !== "xml") return;
    if (!first || !this.start.startsWith("<?xml"))
      throw new NotWellFormed("an XML declaration that is not at the very start");
    const declaration = DECLARATION.exec(text);
    if (!declaration) throw new NotWellFormed("an XML declaration without a version 1.x, or with something else in it");
    checkDeclaredEncoding(declaration[3] ?? declaration[4], this.options.where());
  }

  /**
   * Characters given and not yet part of a finished token, about: what one tag, text node or comment holds in memory.
   */
  get unfinished(): number {
    return this.held + this.pendingChars - (this.stalled || this.cut < 0 ? 0 : this.cut);
  }

  /** The next piece of the document. */
  write(text: string) {
    if (this.start.length < 5) this.start = (this.start + text).slice(0, 5);
    this.screen(text);
    this.pending.push(text);
    const lt = lastIndex(text, "<");
    if (lt !== -1) this.cut = this.pendingChars + lt;
    this.pendingChars += text.length;
    // Given whole text nodes only, saxen scans each about twice, however small the pieces; and since it
    // scans again all it holds at every write, a write is at least as long as that: a long comment or
    // CDATA section costs a few scans of itself, not one per piece.
    if (this.cut > 0 && this.pendingChars >= Math.max(MIN_WRITE, this.held)) this.flush(this.cut);
    else if (this.pending.length - this.joined > 1024) {
      this.pending.push(this.pending.splice(this.joined).join(""));
      this.joined = this.pending.length;
    }
  }

  /** Checks on the raw text, for what saxen lets through and cannot tell its user. */
  private screen(text: string) {
    // Vertical tab and form feed are never legal, but white space to saxen inside tags (indexOf: far faster than a
    // regular expression).
    if (text.includes("\v") || text.includes("\f"))
      throw new NotWellFormed("a vertical tab or form feed, which XML does not allow");
    // includes() first: native, and far faster than the expression over a whole piece.
    if (
      (text.includes("__proto__") && PROTO_ATTRIBUTE.test(text)) ||
      (this.carry && PROTO_ATTRIBUTE.test(this.carry + text.slice(0, 64)))
    )
      throw new NotWellFormed('"__proto__=", which this reader does not take');
    this.carry = text.length >= 16 ? text.slice(-16) : (this.carry + text).slice(-16);
    if (!this.markup) {
      const lt = text.indexOf("<");
      if (NOT_XML_SPACE.test(lt === -1 ? text : text.slice(0, lt)))
        throw new NotWellFormed("text before the root element");
      this.markup = lt !== -1;
    }
    const gt = lastIndex(text, ">");
    if (gt !== -1) this.trailing = NOT_XML_SPACE.test(text.slice(gt + 1));
    else if (!this.trailing) this.trailing = NOT_XML_SPACE.test(text);
  }

  /** Gives saxen the first `upTo` characters of what is pending (all of it by default). */
  private flush(upTo = this.pendingChars) {
    if (!upTo) return;
    const all = this.pending.length === 1 ? this.pending[0]! : this.pending.join("");
    const text = upTo === all.length ? all : all.slice(0, upTo);
    this.pending = upTo === all.length ? [] : [all.slice(upTo)];
    this.joined = 0;
    this.pendingChars = all.length - upTo;
    this.cut = this.pendingChars ? 0 : -1;
    const before = this.events;
    this.parser.write(text);
    this.stalled = this.events === before;
    this.held = this.stalled ? this.held + text.length : 0;
  }

  /** The end of the document: what is unfinished, unclosed or missing is refused here. */
  end() {
    this.flush();
    this.parser.end();
    this.finished();
  }

  /** One whole document. */
  parse(xml: string) {
    this.depth = 0;
    this.root = "before";
    this.events = 0;
    this.start = xml.slice(0, 5);
    this.markup = false;
    this.trailing = false;
    this.carry = "";
    this.screen(xml);
    this.parser.parse(xml);
    this.finished();
  }

  private finished() {
    if (this.root !== "after") throw new NotWellFormed("no root element");
    if (this.trailing) throw new NotWellFormed("text after the root element");
  }
}
