import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../src/http/problem.ts";
import { parseTable } from "../../src/xml/parse.ts";
import { lastIndex, XmlReader } from "../../src/xml/wellformed.ts";
import { envelopeOf, fixture } from "../fixtures/xml/index.ts";
import { read, refusal } from "../support/xml-read.ts";

/**
 * What XML 1.0 calls well-formed, held against the reader whatever parser is
 * under it: every damaged document below is refused, every legal variant is
 * read the same as the plain one. The envelope refuses the whole file
 * (400 xml_malformed, as a body that is not JSON); an inner table rejects its episode alone.
 */

const TONG_HOP = fixture("tong-hop-130.xml");
const ENVELOPE = envelopeOf("01001", [
  [
    ["XML1", TONG_HOP],
    ["XML2", "<CHITIEU_CHITIET_THUOC/>"],
  ],
]);

/** What the reader made of an envelope: its facility and episodes (the hash and size differ between variants). */
async function readBack(body: string, size = 64 * 1024) {
  const r = await read(body, {}, size);
  return { facility: r.header.facilityCode, episodes: r.episodes };
}

/** The envelope with its first `from` replaced by `to`. */
const edited = (from: string | RegExp, to: string) => {
  const out = ENVELOPE.replace(from, to);
  expect(out).not.toBe(ENVELOPE);
  return out;
};

const NGAYLAP = /<NGAYLAP>[^<]*<\/NGAYLAP>/;

describe("an envelope that is not well-formed is refused whole", () => {
  it.each([
    ["a close tag that does not match", edited("</THONGTINDONVI>", "</THONGTINDONVIX>")],
    ["a close tag with nothing open", `${ENVELOPE}</GIAMDINHHS>`],
    ["an element left open", ENVELOPE.replace("</GIAMDINHHS>", "")],
    ["a bare ampersand in text", edited(NGAYLAP, "<NGAYLAP>2026 & 2027</NGAYLAP>")],
    ["an entity XML does not define", edited(NGAYLAP, "<NGAYLAP>&nbsp;20260101</NGAYLAP>")],
    ["a reference to a character XML forbids", edited(NGAYLAP, "<NGAYLAP>&#0;</NGAYLAP>")],
    ["a reference to a surrogate", edited(NGAYLAP, "<NGAYLAP>&#xD800;</NGAYLAP>")],
    ["a control character in text", edited(NGAYLAP, "<NGAYLAP>2026\u000101</NGAYLAP>")],
    ["]]> in text", edited(NGAYLAP, "<NGAYLAP>a]]>b</NGAYLAP>")],
    ["< in an attribute value", edited("<THONGTINHOSO>", '<THONGTINHOSO ghi_chu="a<b">')],
    ["an attribute without quotes", edited("<THONGTINHOSO>", "<THONGTINHOSO phien_ban=1>")],
    ["an attribute given twice", edited("<THONGTINHOSO>", '<THONGTINHOSO a="1" a="2">')],
    ["an attribute without a value", edited("<THONGTINHOSO>", "<THONGTINHOSO checked>")],
    ["a bare ampersand in an attribute", edited("<THONGTINHOSO>", '<THONGTINHOSO a="x & y">')],
    ["an element name that starts with a digit", edited(NGAYLAP, "<1NGAYLAP>20260101</1NGAYLAP>")],
    ["text before the root", `x${ENVELOPE}`],
    ["text after the root", `${ENVELOPE}x`],
    ["a second root", `${ENVELOPE}<GIAMDINHHS/>`],
    ["an XML declaration after the start", ` ${ENVELOPE}`],
    ["an XML declaration inside the root", edited(NGAYLAP, '<?xml version="1.0"?><NGAYLAP>20260101</NGAYLAP>')],
    ["an XML declaration of another version", ENVELOPE.replace(/^<\?xml[^?]*\?>/, '<?xml version="2.0"?>')],
    ["an XML declaration that is not one", ENVELOPE.replace(/^<\?xml[^?]*\?>/, '<?xml encoding="utf-8"?>')],
    ["-- inside a comment", edited(NGAYLAP, "<!-- a -- b -->$&")],
    ["a comment left open", `${ENVELOPE}<!-- `],
    ["a CDATA section outside the root", `${ENVELOPE}<![CDATA[x]]>`],
    ["a markup declaration outside a DOCTYPE", edited(NGAYLAP, "<!ELEMENT x ANY>$&")],
    ["a vertical tab inside a tag", edited("<THONGTINHOSO>", "<THONGTINHOSO\u000b>")],
    ["a form feed inside a close tag", edited("</THONGTINHOSO>", "</THONGTINHOSO\f>")],
    ["a no-break space after the root", `${ENVELOPE}\u00a0`],
    ["an ideographic space before the root", `\u3000${ENVELOPE.replace(/^<\?xml[^?]*\?>\s*/, "")}`],
    ["a second byte order mark", `\uFEFF\uFEFF${ENVELOPE}`],
    ["a vertical tab between markup after the root", `${ENVELOPE}<!---->\u000b`],
    [
      "an attribute named __proto__ (saxen would drop it unchecked)",
      edited("<THONGTINHOSO>", '<THONGTINHOSO __proto__="&xxe;">'),
    ],
    [
      "text that is not XML in a FILEHOSO nested in a FILEHOSO (content, not a table)",
      edited(
        /<HOSO>[\s\S]*<\/HOSO>/,
        "<HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>PFRPTkdfSE9QLz4=</NOIDUNGFILE>" +
          "<HOSO><FILEHOSO><NOIDUNGFILE>&bogus;</NOIDUNGFILE></FILEHOSO></HOSO></FILEHOSO></HOSO>",
      ),
    ],
  ])("%s", async (_, body) => {
    for (const size of [64 * 1024, 5])
      expect(await refusal(body, {}, size)).toMatchObject({ status: 400, code: "xml_malformed" });
  });
});

it("checks a table's base64 even when another FILEHOSO is nested in its FILEHOSO", async () => {
  const body = edited(
    /<HOSO>[\s\S]*<\/HOSO>/,
    "<HOSO><FILEHOSO><NOIDUNGFILE>%%%</NOIDUNGFILE>" +
      "<HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>PFRPTkdfSE9QLz4=</NOIDUNGFILE></FILEHOSO></HOSO>" +
      "</FILEHOSO></HOSO>",
  );
  for (const size of [64 * 1024, 5])
    expect(await refusal(body, {}, size)).toMatchObject({ status: 422, code: "invalid_base64" });
});

describe("a well-formed envelope is read however it is written", () => {
  it.each([
    ["comments and processing instructions", edited(NGAYLAP, '<!-- lập ngày --><?exporter name="HIS"?>$&<!---->')],
    [
      "attributes, in either quotes",
      edited("<THONGTINHOSO>", `<THONGTINHOSO phien_ban="130" ghi_chu='a "b" &amp; c'>`),
    ],
    [
      "a namespaced signature",
      edited(
        "</GIAMDINHHS>",
        '<CHUKYDONVI><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>QUJD</ds:SignatureValue></ds:Signature></CHUKYDONVI></GIAMDINHHS>',
      ),
    ],
    ["spaces inside tags", edited("<MACSKCB>01001</MACSKCB>", "<MACSKCB >01001</MACSKCB \n>")],
    ["the facility as character references", edited("<MACSKCB>01001</MACSKCB>", "<MACSKCB>&#48;&#x31;001</MACSKCB>")],
    ["the facility in CDATA", edited("<MACSKCB>01001</MACSKCB>", "<MACSKCB><![CDATA[01001]]></MACSKCB>")],
    [
      "base64 in CDATA",
      ENVELOPE.replace(/<NOIDUNGFILE>([^<]*)<\/NOIDUNGFILE>/, "<NOIDUNGFILE><![CDATA[$1]]></NOIDUNGFILE>"),
    ],
    ["CRLF line ends and a BOM", `\uFEFF${ENVELOPE.replace(/\n/g, "\r\n")}`],
    ["no XML declaration", ENVELOPE.replace(/^<\?xml[^?]*\?>\s*/, "")],
    [
      "a declaration in single quotes, standalone",
      ENVELOPE.replace(/^<\?xml[^?]*\?>/, "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"),
    ],
    ["white space and a comment after the root", `${ENVELOPE}\n<!-- end -->\n`],
  ])("%s", async (_, body) => {
    const plain = await readBack(ENVELOPE);
    for (const size of [64 * 1024, 3]) expect(await readBack(body, size)).toEqual(plain);
  });
});

const inner = (xml: string) => parseTable(xml, "HOSO[0].XML1");
const FIELDS = "<MA_LK>LK1</MA_LK><HO_TEN>Nguyễn Văn A</HO_TEN>";

describe("an inner table that is not well-formed rejects its episode", () => {
  it.each([
    ["an element left open", `<TONG_HOP>${FIELDS}`],
    ["a close tag that does not match", `<TONG_HOP>${FIELDS}</TONG_HOPX>`],
    ["a bare ampersand", `<TONG_HOP><HO_TEN>A & B</HO_TEN></TONG_HOP>`],
    ["an entity XML does not define", `<TONG_HOP><HO_TEN>A&nbsp;B</HO_TEN></TONG_HOP>`],
    ["a control character", `<TONG_HOP><HO_TEN>A\u0007B</HO_TEN></TONG_HOP>`],
    ["two roots", `<TONG_HOP>${FIELDS}</TONG_HOP><TONG_HOP/>`],
    ["text after the root", `<TONG_HOP>${FIELDS}</TONG_HOP>x`],
    ["an attribute without quotes", `<TONG_HOP><HO_TEN lang=vi>A</HO_TEN></TONG_HOP>`],
    ["a vertical tab in a tag", `<TONG_HOP\u000b>${FIELDS}</TONG_HOP>`],
    ["a no-break space after the root", `<TONG_HOP>${FIELDS}</TONG_HOP>\u00a0`],
    ["an attribute named __proto__", `<TONG_HOP><HO_TEN __proto__="&#0;">A</HO_TEN></TONG_HOP>`],
    ["no element at all", `<?xml version="1.0"?>`],
  ])("%s", (_, xml) => {
    expect(inner(xml)).toEqual({ malformed: expect.any(String) });
  });
});

describe("an inner table is read as XML means it", () => {
  it("decodes the predefined entities and character references, CDATA, and ignores comments and attributes", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- tóm tắt -->
<TONG_HOP phien_ban="4750">
  <MA_LK>LK1</MA_LK>
  <HO_TEN lang="vi">Tr&#7847;n &#x1EA0;nh &lt;&amp;&gt; &quot;&apos; &#x1F600;</HO_TEN>
  <CHAN_DOAN_VAO><![CDATA[Sốt <39°C> & ho]]></CHAN_DOAN_VAO>
  <GHI_CHU>a<!-- bỏ qua -->b</GHI_CHU>
  <NHOM_MAU/>
  <MA_LK>ignored: the first occurrence counts</MA_LK>
</TONG_HOP>`;
    const t = inner(xml);
    expect(t).toMatchObject({ root: "TONG_HOP" });
    const fields = (t as { fields: Map<string, string> }).fields;
    expect(Object.fromEntries(fields)).toEqual({
      MA_LK: "LK1",
      HO_TEN: "Trần Ạnh <&> \"' 😀",
      CHAN_DOAN_VAO: "Sốt <39°C> & ho",
      GHI_CHU: "ab",
      NHOM_MAU: "",
    });
  });

  it("reads line ends as XML does: CR LF and a lone CR are LF; a &#13; reference stays CR", () => {
    const t = inner(
      "<TONG_HOP>\r\n<HO_TEN>Nguyễn\r\nVăn\rA</HO_TEN><GHI_CHU><![CDATA[a\r\nb]]>&#13;</GHI_CHU></TONG_HOP>",
    );
    expect(Object.fromEntries((t as { fields: Map<string, string> }).fields)).toEqual({
      HO_TEN: "Nguyễn\nVăn\nA",
      GHI_CHU: "a\nb\r",
    });
  });

  it("refuses the whole file for a DOCTYPE, deep nesting or another declared encoding", () => {
    const thrown = (xml: string) => {
      try {
        inner(xml);
      } catch (err) {
        return (err as Problem).code;
      }
      return "not thrown";
    };
    expect(thrown(fixture("tong-hop-doctype.xml"))).toBe("xml_doctype_forbidden");
    expect(thrown(`${"<a>".repeat(40)}${"</a>".repeat(40)}`)).toBe("xml_too_deep");
    expect(thrown(`<?xml version="1.0" encoding="windows-1258"?><TONG_HOP/>`)).toBe("xml_encoding");
  });
});

describe("pieces cut anywhere", () => {
  it("read the same as the whole, even when one ends inside an attribute value right after a >", () => {
    const seen: string[] = [];
    const reader = new XmlReader(
      {
        open: (n) => void seen.push(n),
        text: (t) => void seen.push(t.length > 20 ? `${t.length} characters` : t),
        close() {},
      },
      { maxDepth: 32, where: () => "(body)" },
    );
    // Long enough that the first piece is given to saxen on its own.
    reader.write(`<a>${"x".repeat(65_530)}<b c="1>`);
    reader.write('2"/>y</a>');
    reader.end();
    expect(seen).toEqual(["a", "65530 characters", "b", "y"]);
  });

  it("lastIndex finds what lastIndexOf finds", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "<", ">", "x"), maxLength: 700 }),
        fc.constantFrom("<", ">"),
        (text, c) => lastIndex(text, c) === text.lastIndexOf(c),
      ),
    );
  });
});

/**
 * A reader whose saxen counts what it scans, if it scanned again all it was given with every write (as it does what it
 * still holds).
 */
function countingReader() {
  const texts: string[] = [];
  const reader = new XmlReader(
    { open() {}, text: (t) => void texts.push(t), close() {} },
    { maxDepth: 32, where: () => "(body)" },
  );
  const parser = (reader as unknown as { parser: { write(s: string): unknown } }).parser;
  const counts = { given: 0, scanned: 0 };
  const write = parser.write.bind(parser);
  parser.write = (s: string) => {
    counts.given += s.length;
    counts.scanned += counts.given;
    return write(s);
  };
  return { reader, texts, counts };
}

describe("a long node arriving in small pieces", () => {
  it("is scanned a few times over, not once per piece (a 4 MB text node in 1 KB pieces)", () => {
    const { reader, texts, counts } = countingReader();
    const node = "QUJD".repeat(1 << 20);
    reader.write("<NOIDUNGFILE>");
    for (let i = 0; i < node.length; i += 1024) reader.write(node.slice(i, i + 1024));
    reader.write("</NOIDUNGFILE>");
    reader.end();
    expect(texts.join("")).toBe(node);
    // Written through piece by piece, it would be about node.length² / 2,048: a thousand times more.
    expect(counts.scanned).toBeLessThan(4 * node.length);
  });

  it("is scanned a few times over when it is a comment full of markup (4 MB)", () => {
    const { reader, texts, counts } = countingReader();
    const piece = `${"x".repeat(1018)}<b/>>`;
    reader.write("<a>");
    for (let i = 0; i < 4096; i++) reader.write(i === 0 ? `<!--${piece}` : piece);
    reader.write("--></a>");
    reader.end();
    expect(texts).toEqual([]);
    // Given to saxen every 64 KB, each write would scan the comment so far again: about 30 times its length.
    expect(counts.scanned).toBeLessThan(4 * counts.given);
    expect(reader.unfinished).toBe(0);
  });

  it("counts toward what one node may hold, markup inside or not", () => {
    const { reader } = countingReader();
    reader.write("<a><!--");
    let most = 0;
    for (let i = 0; i < 4096; i++) {
      reader.write(`${"x".repeat(1019)}<b/>`);
      most = Math.max(most, reader.unfinished);
    }
    // What the reader says it holds tracks the comment's length, within a factor of two.
    expect(most).toBeGreaterThan((4096 * 1023) / 2);
  });
});
