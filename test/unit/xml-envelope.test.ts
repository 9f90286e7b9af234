import { describe, expect, it } from "vitest";
import { Problem } from "../../src/http/problem.ts";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { isBase64, type RawEpisode } from "../../src/xml/parse.ts";
import { envelopeOf, fixture, fixtureBytes } from "../fixtures/xml/index.ts";
import { read, refusal } from "../support/xml-read.ts";

const TONG_HOP = fixture("tong-hop-130.xml");

describe("reading an envelope", () => {
  it("hands over each HOSO with its tables decoded (XML1) or only checked (the rest), and hashes the body", async () => {
    const body = envelopeOf(
      "01001",
      [
        [
          ["XML1", TONG_HOP],
          ["XML2", "<CHITIEU_CHITIET_THUOC/>"],
        ],
        [["XML1", TONG_HOP]],
      ],
      { signature: true },
    );
    const r = await read(body);
    expect(r.header).toEqual({ facilityCode: "01001" });
    expect(r.declaredCount).toBe(2);
    expect(r.episodes.map((e) => e.index)).toEqual([0, 1]);
    expect(r.episodes[0]!.tables).toEqual([
      { type: "XML1", position: 0, xml: TONG_HOP },
      { type: "XML2", position: 1, xml: null },
    ]);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.bytes).toBe(Buffer.byteLength(body));
  });

  it("gives the same result whatever the chunk boundaries, even inside a multi-byte character", async () => {
    const body = fixtureEnvelope({
      seed: 3,
      facility: "01001",
      episodes: 5,
      dischargedBefore: new Date("2026-06-15T03:00:00Z"),
    });
    const whole = await read(body, {}, 1 << 30);
    for (const size of [1, 7, 4096]) {
      const split = await read(body, {}, size);
      expect(split.sha256).toBe(whole.sha256);
      expect(split.episodes).toEqual(whole.episodes);
    }
  });

  it("reads base64 wrapped over lines, as some exporters write it", async () => {
    const body = fixtureEnvelope({
      seed: 4,
      facility: "01001",
      episodes: 2,
      dischargedBefore: new Date("2026-06-15T03:00:00Z"),
      wrapBase64: true,
    });
    expect(body).toMatch(/[A-Za-z0-9+/]{76}\n/);
    const r = await read(body);
    expect(r.episodes[1]!.tables[0]!.xml).toMatch(/^<\?xml[\s\S]*<MA_LK>LK4-1<\/MA_LK>/);
  });

  it("reads base64 written with character references (&#13; line ends, &#61; padding), as XML means it", async () => {
    const b64 = Buffer.from(TONG_HOP).toString("base64");
    expect(b64).toMatch(/=$/);
    const referenced = `${b64.slice(0, 76)}&#13;\n${b64.slice(76, -1)}&#61;`;
    const body = envelopeOf("01001", [[["XML1", TONG_HOP]]]).replace(
      /<NOIDUNGFILE>[^<]*/,
      `<NOIDUNGFILE>${referenced}`,
    );
    for (const size of [64 * 1024, 7]) expect((await read(body, {}, size)).episodes[0]!.tables[0]!.xml).toBe(TONG_HOP);
  });

  it("tells the facility as soon as the envelope names it, so a wrong one is refused before the rest is read", async () => {
    const body = fixtureEnvelope({
      seed: 5,
      facility: "79001",
      episodes: 3,
      dischargedBefore: new Date("2026-06-15T03:00:00Z"),
    });
    let seen = 0;
    const err = await refusal(body, {
      onHeader: (h) => {
        throw new Problem(403, "forbidden", `not ${h.facilityCode}`);
      },
      onEpisode: () => void (seen += 1),
    });
    expect(err.status).toBe(403);
    expect(seen).toBe(0);
  });

  it("checks SOLUONGHOSO against the HOSO it holds, and wants at least one and a MACSKCB", async () => {
    const mismatch = await refusal(envelopeOf("01001", [[["XML1", TONG_HOP]]], { count: 3 }));
    expect(mismatch).toMatchObject({
      status: 422,
      code: "envelope_invalid",
      errors: [expect.objectContaining({ path: "GIAMDINHHS.THONGTINHOSO.SOLUONGHOSO" })],
    });
    expect(await refusal(envelopeOf("01001", []))).toMatchObject({ status: 422, code: "envelope_invalid" });
    expect(await refusal(envelopeOf("", [[["XML1", TONG_HOP]]]))).toMatchObject({
      code: "envelope_invalid",
      errors: [expect.objectContaining({ path: "GIAMDINHHS.THONGTINDONVI.MACSKCB" })],
    });
    expect(await refusal("<TONG_HOP/>")).toMatchObject({ status: 422, code: "not_an_envelope" });
    expect(await refusal("")).toMatchObject({ status: 422, code: "not_an_envelope" });
    expect(await refusal(envelopeOf("01001", [[["XML1", TONG_HOP]]]).slice(0, -40))).toMatchObject({
      status: 400,
      code: "xml_malformed",
    });
  });
});

describe("hostile envelopes are refused whole", () => {
  it.each([
    ["doctype-external-entity.xml", 422, "xml_doctype_forbidden"],
    ["billion-laughs.xml", 422, "xml_doctype_forbidden"],
    ["deep-nesting.xml", 422, "xml_too_deep"],
    ["invalid-base64.xml", 422, "invalid_base64"],
    ["declared-latin1.xml", 422, "xml_encoding"],
    ["not-utf8.xml", 400, "xml_encoding"],
    ["utf16.xml", 400, "xml_encoding"],
  ])("%s: %i %s", async (name, status, code) => {
    const episodes: RawEpisode[] = [];
    const err = await refusal(fixtureBytes(name), { onEpisode: (e) => void episodes.push(e) });
    expect(err).toMatchObject({ status, code });
    // The params carry the specifics the Vietnamese message is made from; the response leaves them out.
    const { params: _params, ...shown } = err.errors?.[0] ?? {};
    expect(shown).toEqual({ path: expect.any(String), code, message: expect.any(String) });
    expect(episodes).toEqual([]);
  });

  it("names the table whose base64 is invalid", async () => {
    const err = await refusal(fixtureBytes("invalid-base64.xml"));
    expect(err.errors?.[0]?.path).toBe("HOSO[0].FILEHOSO[0](XML1).NOIDUNGFILE");
  });

  it("refuses an inner document that is not UTF-8, or that declares another encoding", async () => {
    const latin1 = Buffer.from(
      '<?xml version="1.0"?><TONG_HOP><HO_TEN>Nguy\xe9n</HO_TEN></TONG_HOP>',
      "latin1",
    ).toString("base64");
    const body = envelopeOf("01001", [[["XML1", TONG_HOP]]]).replace(/<NOIDUNGFILE>[^<]*/, `<NOIDUNGFILE>${latin1}`);
    expect(await refusal(body)).toMatchObject({
      code: "xml_encoding",
      errors: [expect.objectContaining({ path: "HOSO[0].FILEHOSO[0](XML1).NOIDUNGFILE" })],
    });
  });

  it("bounds what one node and the whole body may take", async () => {
    const body = envelopeOf("01001", [[["XML1", TONG_HOP]]]);
    expect(await refusal(body, { limits: { maxBytes: 100 } })).toMatchObject({
      status: 413,
      code: "payload_too_large",
    });
    const huge = body.replace("<NGAYLAP>", `<NGAYLAP>${"9".repeat(300_000)}`);
    expect(await refusal(huge, { limits: { maxNodeChars: 100_000 } })).toMatchObject({
      status: 413,
      code: "xml_node_too_large",
    });
    // A comment may hold "<" and ">" and still be one unfinished node.
    const comment = body.replace("<NGAYLAP>", `<!--${"<b/>".repeat(75_000)}--><NGAYLAP>`);
    expect(await refusal(comment, { limits: { maxNodeChars: 100_000 } })).toMatchObject({
      status: 413,
      code: "xml_node_too_large",
    });
    // The bound is on one node, not on how much of the file the reader gathers before parsing it.
    const many = fixtureEnvelope({
      seed: 6,
      facility: "01001",
      episodes: 40,
      dischargedBefore: new Date("2026-06-15T03:00:00Z"),
    });
    expect(many.length).toBeGreaterThan(200_000);
    expect((await read(many, { limits: { maxNodeChars: 10_000 } })).episodes).toHaveLength(40);
    expect(await refusal(body, { limits: { maxDepth: 4 } })).toMatchObject({ code: "xml_too_deep" });
  });
});

describe("base64", () => {
  it("accepts padded, unpadded and wrapped text, and nothing else", () => {
    for (const ok of ["", "QQ==", "QUI=", "QUJD", "QUJD\nREVG", "  QUJD  ", "QQ=\n=", "QQ= =\n"])
      expect(isBase64([ok]), ok).toBe(true);
    expect(isBase64(["QU", "JD"])).toBe(true);
    for (const bad of [
      "Q",
      "QQ=",
      "Q===",
      "QQ==QQ==",
      "QU!D",
      "QUJD=",
      "=QUJ",
      "QU JD-",
      "QUJDRA",
      "QUJDREU",
      "QUJD\fREVG",
    ])
      expect(isBase64([bad]), bad).toBe(false);
  });
});
