import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalogueChangesAfter } from "../../src/catalogues/changes.ts";
import { entriesForCodes, entriesInForce } from "../../src/catalogues/lookup.ts";
import { fingerprint } from "../support/fingerprint.ts";
import { CENTRAL_KEY, seedReference, useTestApp } from "../support/harness.ts";

const statements: string[] = [];
const t = useTestApp({ onQuery: (sql) => statements.push(sql) });

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/catalogues/${name}`, import.meta.url), "utf8").replace(/^\uFEFF/, "");
const CSV = { "content-type": "text/csv" };
const load = (kind: string, body: string, key?: string, facility = "01001") =>
  t.json("PUT", `/v1/facilities/${facility}/catalogues/${kind}`, { body, headers: CSV, ...(key ? { key } : {}) });
const list = (kind: string, query = "", key?: string) =>
  t.json("GET", `/v1/facilities/01001/catalogues/${kind}${query}`, key ? { key } : {});

/** The catalogue tables and the audit log: what a refused load must leave as it was. */
async function catalogueState() {
  const all = await fingerprint(t.db);
  return { entries: all.catalogue_entry, changes: all.catalogue_change, audit: all.audit_log };
}

/** A small drug list (03/DM's columns), each row `[MA_THUOC, DON_GIA_BH, TU_NGAY, DEN_NGAY, MA_CSKCB?]`. */
function drugs(rows: string[][], extra = "") {
  const header = "STT,MA_THUOC,TEN_THUOC,HAM_LUONG,SO_DANG_KY,DON_GIA_BH,TT_THAU,TU_NGAY,DEN_NGAY,MA_CSKCB";
  const lines = rows.map(
    ([code, price, from, to, facility = "01001"], index) =>
      `${index + 1},${code},Thuốc ${code},10mg,VD-1-${index},${price},1.00;G1;N1;2025,${from},${to},${facility}`,
  );
  return [header, ...lines].join("\r\n") + extra;
}

describe("catalogues: loading the agency's layouts", () => {
  it("First, central loads each kind from a file as hospitals export it (201), and reads it back entry by entry", async () => {
    await seedReference(t);
    const loaded = await load("drugs", fixture("drugs.csv"));
    expect(loaded.status).toBe(201);
    expect(loaded.body).toMatchObject({
      facilityCode: "01001",
      kind: "drugs",
      rows: 4,
      counts: { added: 4, changed: 0, removed: 0, unchanged: 0 },
      changed: [],
      removed: [],
      truncated: false,
    });
    // An entry's key is its code, its tender (TT_THAU) and its first day.
    expect(loaded.body.added).toEqual([
      { code: "40.17", bidInfo: "20.00;G1;N1;2025", validFrom: "2025-01-01" },
      { code: "40.17", bidInfo: "21.00;G1;N1;2026", validFrom: "2026-01-01" },
      { code: "40.30", bidInfo: "20.00;G2;N3;2025", validFrom: "2025-06-01" },
      { code: "40.99", bidInfo: "19.00;G1;N1;2024", validFrom: "2024-01-01" },
    ]);
    expect(loaded.body.sha256).toMatch(/^[0-9a-f]{64}$/);

    const drugsRead = await list("drugs");
    expect(drugsRead.status).toBe(200);
    expect(drugsRead.body.nextCursor).toBeNull();
    expect(drugsRead.body.data).toEqual([
      {
        facilityCode: "01001",
        code: "40.17",
        name: "Paracetamol 500mg",
        concentration: "500mg",
        registrationNumber: "VD-12345-10",
        bidInfo: "20.00;G1;N1;2025",
        unitPrice: "1500",
        costGroup: "4",
        validFrom: "2025-01-01",
        validTo: "2025-12-31",
      },
      expect.objectContaining({ code: "40.17", unitPrice: "1600.5", validFrom: "2026-01-01", validTo: null }),
      // No TU_NGAY: the contract's TU_NGAY_HD..DEN_NGAY_HD; a quoted name with a comma; MA_NHOM "04" is group 4.
      expect.objectContaining({
        code: "40.30",
        name: "Amoxicilin, viên nang 500mg",
        unitPrice: "2100.125",
        costGroup: "4",
        validFrom: "2025-06-01",
        validTo: "2026-12-31",
      }),
      expect.objectContaining({ code: "40.99", costGroup: null }),
    ]);

    expect((await load("supplies", fixture("supplies.csv"))).status).toBe(201);
    expect((await list("supplies")).body.data).toEqual([
      {
        facilityCode: "01001",
        code: "N03.02.070",
        name: "Bơm tiêm nhựa 5ml",
        bidInfo: "132.01001;G1;N2;2025",
        unitPrice: "1150.5",
        validFrom: "2025-01-01",
        validTo: null,
      },
      // Without DON_GIA_BH, the purchase price DON_GIA.
      expect.objectContaining({ code: "N06.04.010", unitPrice: "8500", validTo: "2026-12-31" }),
    ]);

    // 05/DM with its columns in another order, and the service's own BAO_GOM_VTYT.
    expect((await load("services", fixture("services.csv"))).status).toBe(201);
    expect((await list("services")).body.data).toEqual([
      {
        facilityCode: "01001",
        code: "01.0001.1778",
        name: "Khám Nội",
        unitPrice: "45000",
        suppliesIncluded: false,
        validFrom: "2025-01-01",
        validTo: "2025-12-31",
      },
      expect.objectContaining({ code: "02.1900.0216", unitPrice: "256000", suppliesIncluded: true }),
    ]);

    expect((await load("staff", fixture("staff.csv"))).status).toBe(201);
    expect((await list("staff")).body.data).toEqual([
      {
        facilityCode: "01001",
        certificate: "000123/HNO-CCHN",
        name: "Bác sĩ Mẫu Một",
        validFrom: "2025-01-01",
        validTo: null,
      },
      expect.objectContaining({ certificate: "000456/HNO-CCHN", validTo: "2025-06-30" }),
    ]);

    const audit = await t.db.prisma.auditLog.findMany({ where: { entity: "catalogue" }, orderBy: { id: "asc" } });
    expect(audit.map((entry) => [entry.action, entry.entityId, entry.actorRole])).toEqual([
      ["catalogue.load", "01001/drugs", "central"],
      ["catalogue.load", "01001/supplies", "central"],
      ["catalogue.load", "01001/services", "central"],
      ["catalogue.load", "01001/staff", "central"],
    ]);
    expect(audit[0]!.after).toMatchObject({ rows: 4, added: 4, changed: 0, removed: 0, unchanged: 0 });
  });

  it("Second, sending the same file again changes nothing and reports every entry unchanged (200)", async () => {
    await seedReference(t);
    await load("drugs", fixture("drugs.csv"));
    const before = await catalogueState();
    // The same entries in other bytes: no byte-order mark, LF line ends, the rows in another order.
    const [header, ...rows] = fixture("drugs.csv").trim().split("\r\n");
    const again = await load("drugs", [header, ...rows.reverse()].join("\n"));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      counts: { added: 0, changed: 0, removed: 0, unchanged: 4 },
      added: [],
      changed: [],
      removed: [],
      affected: [],
    });
    const after = await catalogueState();
    expect(after.entries).toBe(before.entries);
    expect(after.changes).toBe(before.changes);
  });

  it("Third, a new list reports the price changed, the entry removed and the one added, and from which day each code is affected", async () => {
    await seedReference(t);
    await load("drugs", fixture("drugs.csv"));
    const firstLoad = await catalogueChangesAfter(t.db.sql, "0");
    expect(firstLoad.map((change) => change.code)).toEqual(["40.17", "40.30", "40.99"]);
    t.clock.advance(60_000);
    const reloaded = await load("drugs", fixture("drugs-2026.csv"));
    expect(reloaded.status).toBe(200);
    expect(reloaded.body).toMatchObject({
      counts: { added: 1, changed: 2, removed: 1, unchanged: 1 },
      added: [{ code: "40.677", validFrom: "2026-03-01" }],
      changed: [
        { code: "40.17", validFrom: "2026-01-01" },
        { code: "40.30", validFrom: "2025-06-01" },
      ],
      removed: [{ code: "40.99", validFrom: "2024-01-01" }],
      // A price from its first day; an end moved from 2026-12-31 to 2026-06-30 from the day after the earlier one.
      affected: [
        { code: "40.17", from: "2026-01-01" },
        { code: "40.30", from: "2026-07-01" },
        { code: "40.677", from: "2026-03-01" },
        { code: "40.99", from: "2024-01-01" },
      ],
    });
    const repriced = await list("drugs", "?code=40.17&day=2026-05-01");
    expect(repriced.body.data).toEqual([expect.objectContaining({ unitPrice: "1700", validFrom: "2026-01-01" })]);

    // Kept for re-assessment: one row per code changed by this load, read after the last change handled.
    const kept = await catalogueChangesAfter(t.db.sql, firstLoad.at(-1)!.id);
    expect(kept.map((change) => [change.facilityCode, change.kind, change.code, change.affectedFrom])).toEqual([
      ["01001", "drugs", "40.17", "2026-01-01"],
      ["01001", "drugs", "40.30", "2026-07-01"],
      ["01001", "drugs", "40.677", "2026-03-01"],
      ["01001", "drugs", "40.99", "2024-01-01"],
    ]);
    expect(kept.every((change) => change.loadedAt.toISOString() === reloaded.body.loadedAt)).toBe(true);
    expect(await catalogueChangesAfter(t.db.sql, kept[1]!.id, 1)).toEqual([kept[2]]);
    const audit = await t.db.prisma.auditLog.findMany({ where: { entityId: "01001/drugs" }, orderBy: { id: "asc" } });
    expect(audit[1]).toMatchObject({
      before: { entries: 4 },
      after: { rows: 4, added: 1, changed: 2, removed: 1, unchanged: 1 },
    });
  });

  it("a file with a bad date or price is refused whole (422), naming each row's line and column, and nothing is written", async () => {
    await seedReference(t);
    await load("drugs", fixture("drugs.csv"));
    const before = await catalogueState();
    const bad = drugs([
      ["40.17", "1500", "20250101", "20251231"],
      ["40.18", "12,5", "20250101", ""],
      ["40.19", "900", "20250231", ""],
      ["40.20", "900", "2025-01-01", ""],
      ["40.21", "900.1234", "20250101", "20241231"],
      ["", "900", "20250101", ""],
    ]);
    const refused = await load("drugs", bad);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("validation_failed");
    expect(refused.body.errors.map((error: { path: string; code: string }) => [error.path, error.code])).toEqual([
      // "12,5" is two fields: the row no longer fits the header.
      ["line[3]", "malformed_csv"],
      ["line[4].TU_NGAY", "invalid_date"],
      ["line[5].TU_NGAY", "invalid_date"],
      ["line[6].DON_GIA_BH", "invalid_number"],
      ["line[6].DEN_NGAY", "ends_before_start"],
      ["line[7].MA_THUOC", "required"],
    ]);
    expect(refused.body.detail).toMatch(/^invalid file \(Mẫu 03\/DM\), nothing loaded: line\[3\]: .*\(and 5 more\)$/);
    expect(refused.body.errors[1].message).toBe("TU_NGAY must be a day written yyyymmdd, e.g. 20260101");
    expect(await catalogueState()).toEqual(before);

    const vietnamese = await t.json("PUT", "/v1/facilities/01001/catalogues/drugs", {
      body: bad,
      headers: { ...CSV, "accept-language": "vi" },
    });
    expect(vietnamese.body.errors[1].message).toBe("TU_NGAY phải là ngày dạng yyyymmdd, ví dụ 20260101");
    expect(vietnamese.body.detail).toMatch(/^tệp danh mục không hợp lệ: line\[3\]: /);
  });

  it("overlapping periods of one code and TT_THAU are refused, naming both rows", async () => {
    await seedReference(t);
    // Every row of drugs() has the same TT_THAU.
    const refused = await load(
      "drugs",
      drugs([
        ["40.17", "1500", "20250101", "20250630"],
        ["40.17", "1600", "20250630", ""],
        ["40.18", "100", "20250101", ""],
        ["40.18", "100", "20250101", ""],
        // Touching periods do not overlap.
        ["40.19", "100", "20250101", "20250630"],
        ["40.19", "100", "20250701", ""],
      ]),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      {
        path: "line[3].TU_NGAY",
        code: "overlapping_validity",
        message:
          "in force on days line 2 is for the same code and TT_THAU: periods of one code and TT_THAU may not overlap",
      },
      expect.objectContaining({ path: "line[5].TU_NGAY", code: "overlapping_validity" }),
    ]);
    expect(await t.db.prisma.catalogueEntry.count()).toBe(0);
  });

  it("a MA_CSKCB of another facility is refused; an empty one is the facility loaded for", async () => {
    await seedReference(t);
    const refused = await load(
      "drugs",
      drugs([
        ["40.17", "1500", "20250101", "", "01002"],
        ["40.18", "1500", "20250101", "", ""],
      ]),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      {
        path: "line[2].MA_CSKCB",
        code: "facility_mismatch",
        message: "must be 01001, the facility the catalogue is loaded for, or empty",
      },
    ]);
    expect(await t.db.prisma.catalogueEntry.count()).toBe(0);
  });

  it("a file that is not a catalogue of the kind is refused before any row: missing columns, broken CSV, not UTF-8, empty", async () => {
    await seedReference(t);
    const missing = await load("drugs", fixture("staff.csv"));
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((error: { path: string }) => error.path)).toEqual([
      "line[1].MA_THUOC",
      "line[1].TEN_THUOC",
      "line[1].DON_GIA_BH",
    ]);
    expect(missing.body.errors[2].message).toBe("the header has no DON_GIA_BH or DON_GIA column (Mẫu 03/DM)");

    const unclosed = await load("drugs", drugs([["40.17", "1500", "20250101", ""]]).replace("Thuốc", '"Thuốc'));
    expect(unclosed.body.errors).toEqual([
      expect.objectContaining({
        path: "line[2]",
        code: "malformed_csv",
        message: "not CSV (RFC 4180): unclosed quote",
      }),
    ]);

    // Thuốc in Latin-1: not UTF-8 (sent as bytes, past the harness, which sends text).
    const latin1 = await t.app.request("/v1/facilities/01001/catalogues/drugs", {
      method: "PUT",
      headers: { authorization: `Bearer ${CENTRAL_KEY}`, ...CSV },
      body: Buffer.from(drugs([["40.17", "1500", "20250101", ""]]), "latin1"),
    });
    expect(latin1.status).toBe(422);
    expect((await latin1.json()).errors).toEqual([
      { path: "(body)", code: "invalid_characters", message: "the file is not UTF-8" },
    ]);

    const empty = await load("drugs", "\r\n");
    expect(empty.body.errors).toEqual([expect.objectContaining({ path: "(body)", code: "required" })]);

    const rows = ["MA_THUOC,TEN_THUOC,DON_GIA,TU_NGAY"];
    for (let index = 0; index <= 100_000; index++) rows.push(`C${index},x,1,20250101`);
    const tooMany = await load("drugs", rows.join("\n"));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.code).toBe("too_many_rows");
    expect(await t.db.prisma.catalogueEntry.count()).toBe(0);
  });

  it("a mangled file never fails the service: a refusal is a problem naming a line or the body, and writes nothing", async () => {
    await seedReference(t);
    await load("drugs", fixture("drugs.csv"));
    const original = fixture("drugs.csv");
    const noise = fc.constantFrom(",", '"', '""', "\r", "\n", "\r\n", "\u0000", "x", "9", ".", "-", "é", "\uFEFF", " ");
    const mangled = fc.oneof(
      fc
        .array(fc.tuple(fc.nat({ max: original.length }), noise), { minLength: 1, maxLength: 4 })
        .map((edits) => edits.reduce((text, [at, what]) => text.slice(0, at) + what + text.slice(at), original)),
      fc.nat({ max: original.length }).map((cut) => original.slice(0, cut)),
      fc.string({ unit: "binary", maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(mangled, async (body) => {
        const before = await catalogueState();
        const res = await load("drugs", body);
        expect(res.status).toBeLessThan(500);
        if (res.status < 300) return;
        expect([413, 422]).toContain(res.status);
        for (const error of res.body.errors ?? []) expect(error.path).toMatch(/^(\(body\)|line\[\d+\](\.[A-Z_]+)?)$/);
        const after = await catalogueState();
        expect([after.entries, after.changes]).toEqual([before.entries, before.changes]);
      }),
      { numRuns: 60 },
    );
  });

  it("a header-only file empties the catalogue, and reports what it removed", async () => {
    await seedReference(t);
    await load("services", fixture("services.csv"));
    const emptied = await load("services", "MA_DICH_VU,TEN_DICH_VU,DON_GIA,TU_NGAY,DEN_NGAY\r\n");
    expect(emptied.status).toBe(200);
    expect(emptied.body.counts).toEqual({ added: 0, changed: 0, removed: 2, unchanged: 0 });
    expect((await list("services")).body.data).toEqual([]);
  });
});

describe("catalogues: who may load and read them", () => {
  it("only central loads (province and facility keys 403, nothing written); an unknown facility is 404, another body type 415", async () => {
    await seedReference(t);
    const keys = [await t.key("province", "01"), await t.key("facility", "01001")];
    const before = await catalogueState();
    for (const key of keys) {
      const refused = await load("drugs", fixture("drugs.csv"), key);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe("forbidden");
    }
    expect((await load("drugs", fixture("drugs.csv"), undefined, "09999")).status).toBe(404);
    const json = await t.json("PUT", "/v1/facilities/01001/catalogues/drugs", { body: { rows: [] } });
    expect(json.status).toBe(415);
    const latin1 = await t.json("PUT", "/v1/facilities/01001/catalogues/drugs", {
      body: fixture("drugs.csv"),
      headers: { "content-type": "text/csv; charset=iso-8859-1" },
    });
    expect(latin1.status).toBe(415);
    const drinks = await t.json("PUT", "/v1/facilities/01001/catalogues/drinks", { body: "x", headers: CSV });
    expect(drinks.status).toBe(422);
    expect(drinks.body.errors[0].path).toBe("kind");
    expect(await catalogueState()).toEqual(before);
    // With a charset named, UTF-8 is taken.
    const utf8 = await t.json("PUT", "/v1/facilities/01001/catalogues/drugs", {
      body: fixture("drugs.csv"),
      headers: { "content-type": "text/csv; charset=UTF-8" },
    });
    expect(utf8.status).toBe(201);
  });

  it("reads: central, the facility's province and the facility itself; another province or facility 404", async () => {
    await seedReference(t);
    await load("drugs", fixture("drugs.csv"));
    const expectations: [string, number][] = [
      [await t.key("province", "01"), 200],
      [await t.key("facility", "01001"), 200],
      [await t.key("province", "79"), 404],
      [await t.key("facility", "01002"), 404],
    ];
    for (const [key, status] of expectations) expect((await list("drugs", "", key)).status).toBe(status);
  });
});

describe("catalogues: reading entries in force", () => {
  it("lists by code and day, a page at a time", async () => {
    await seedReference(t);
    await load("drugs", fixture("drugs.csv"));
    const inForce = await list("drugs", "?day=2025-12-31");
    expect(inForce.body.data.map((entry: { code: string }) => entry.code)).toEqual(["40.17", "40.30"]);
    const oneCode = await list("drugs", "?code=40.17");
    expect(oneCode.body.data.map((entry: { validFrom: string }) => entry.validFrom)).toEqual([
      "2025-01-01",
      "2026-01-01",
    ]);
    const first = await list("drugs", "?limit=3");
    expect(first.body.data).toHaveLength(3);
    const second = await list("drugs", `?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((entry: { code: string }) => entry.code)).toEqual(["40.99"]);
    expect(second.body.nextCursor).toBeNull();
    expect((await list("drugs", "?day=2025-02-30")).status).toBe(422);
    expect((await list("drugs", "?cursor=bm90LWEtY3Vyc29y")).body.errors[0].code).toBe("invalid_cursor");
  });

  it("entriesInForce picks the entry in force on boundary days for thousands of pairs in one statement; entriesForCodes gives every period", async () => {
    await seedReference(t);
    await load("drugs", fixture("drugs.csv"));
    const asked = [
      { code: "40.17", day: "2024-12-31" },
      { code: "40.17", day: "2025-01-01" },
      { code: "40.17", day: "2025-12-31" },
      { code: "40.17", day: "2026-01-01" },
      { code: "40.17", day: "2099-12-31" },
      { code: "40.30", day: "2026-12-31" },
      { code: "40.30", day: "2027-01-01" },
      { code: "40.99", day: "2024-06-15" },
      { code: "NOPE", day: "2025-06-15" },
    ];
    statements.length = 0;
    const found = await entriesInForce(t.db.sql, "01001", "drugs", asked);
    expect(statements).toHaveLength(1);
    // Per pair, the entries in force that day: one here, where each code has one tender at a time.
    expect(found.map((entries) => entries.map((entry) => [entry.code, entry.unitPrice, entry.validFrom]))).toEqual([
      [],
      [["40.17", "1500", "2025-01-01"]],
      [["40.17", "1500", "2025-01-01"]],
      [["40.17", "1600.5", "2026-01-01"]],
      [["40.17", "1600.5", "2026-01-01"]],
      [["40.30", "2100.125", "2025-06-01"]],
      [],
      [["40.99", "300", "2024-01-01"]],
      [],
    ]);

    // A batch's worth: 3,000 pairs, repeated ones asked once, still one statement; another facility sees nothing.
    const many = Array.from({ length: 3000 }, (_, index) => asked[index % asked.length]!);
    statements.length = 0;
    const again = await entriesInForce(t.db.sql, "01001", "drugs", many);
    expect(statements).toHaveLength(1);
    expect(again.map((entries) => entries.map((entry) => entry.validFrom))).toEqual(
      many.map((_, index) => found[index % asked.length]!.map((entry) => entry.validFrom)),
    );
    expect((await entriesInForce(t.db.sql, "01002", "drugs", asked)).every((entries) => entries.length === 0)).toBe(
      true,
    );
    expect(await entriesInForce(t.db.sql, "01001", "drugs", [])).toEqual([]);

    // For the engine: every period of the codes a claim names, in one statement.
    statements.length = 0;
    const forClaim = await entriesForCodes(t.db.sql, "01001", "drugs", ["40.17", "40.99", "40.17", "NOPE"]);
    expect(statements).toHaveLength(1);
    expect(forClaim.map((entry) => [entry.code, entry.validFrom])).toEqual([
      ["40.17", "2025-01-01"],
      ["40.17", "2026-01-01"],
      ["40.99", "2024-01-01"],
    ]);
    expect(await entriesForCodes(t.db.sql, "01001", "drugs", [])).toEqual([]);

    await load("staff", fixture("staff.csv"));
    const [staff] = await entriesInForce(t.db.sql, "01001", "staff", [{ code: "000456/HNO-CCHN", day: "2025-06-30" }]);
    expect(staff).toEqual([
      {
        facilityCode: "01001",
        certificate: "000456/HNO-CCHN",
        name: "Bác sĩ Mẫu Hai",
        validFrom: "2025-01-01",
        validTo: "2025-06-30",
      },
    ]);
  });

  it("a load runs the same number of statements for 3 entries as for 3,000", async () => {
    await seedReference(t);
    const file = (count: number) =>
      [
        "MA_THUOC,TEN_THUOC,DON_GIA_BH,TU_NGAY",
        ...Array.from({ length: count }, (_, i) => `D${i},x,${i},20250101`),
      ].join("\n");
    statements.length = 0;
    expect((await load("drugs", file(3))).status).toBe(201);
    const small = statements.length;
    statements.length = 0;
    const large = await load("drugs", file(3000));
    expect(large.body.counts).toEqual({ added: 2997, changed: 0, removed: 0, unchanged: 3 });
    expect(large.body.added).toHaveLength(1000);
    expect(large.body.truncated).toBe(true);
    expect(statements.length).toBe(small);
  });
});

/** A drug list of tenders, each row `[MA_THUOC, TT_THAU, DON_GIA_BH, TU_NGAY, DEN_NGAY]` (TT_THAU "" for none). */
function tenders(rows: string[][]) {
  const lines = rows.map(([code, bid, price, from, to]) => `${code},Thuốc ${code},${bid},${price},${from},${to}`);
  return ["MA_THUOC,TEN_THUOC,TT_THAU,DON_GIA_BH,TU_NGAY,DEN_NGAY", ...lines].join("\r\n");
}

const BID_A = "20.00;G1;N1;2025";
const BID_B = "20.00;G1;N2;2025";

/** 40.17 bought at two tenders in 2025 whose periods overlap, and once without TT_THAU in June. */
const TWO_TENDERS = [
  ["40.17", BID_A, "1500", "20250101", "20251231"],
  ["40.17", BID_B, "1450", "20250401", ""],
  ["40.17", "", "1700", "20250601", "20250630"],
  ["40.30", BID_A, "2100", "20250101", ""],
];

const summary = (entries: { bidInfo: string | null; unitPrice: string; validFrom: string }[]) =>
  entries.map((entry) => [entry.bidInfo, entry.unitPrice, entry.validFrom]);

describe("catalogues: two tenders of one code", () => {
  it("two tenders of one drug code, each with its TT_THAU, load with overlapping periods, list, and are both found by the lookups", async () => {
    await seedReference(t);
    const loaded = await load("drugs", tenders(TWO_TENDERS));
    expect(loaded.status).toBe(201);
    expect(loaded.body.counts).toEqual({ added: 4, changed: 0, removed: 0, unchanged: 0 });
    // By code, then bid (none first), then first day.
    expect(loaded.body.added).toEqual([
      { code: "40.17", bidInfo: null, validFrom: "2025-06-01" },
      { code: "40.17", bidInfo: BID_A, validFrom: "2025-01-01" },
      { code: "40.17", bidInfo: BID_B, validFrom: "2025-04-01" },
      { code: "40.30", bidInfo: BID_A, validFrom: "2025-01-01" },
    ]);
    const june = await list("drugs", "?code=40.17&day=2025-06-15");
    expect(summary(june.body.data)).toEqual([
      [null, "1700", "2025-06-01"],
      [BID_A, "1500", "2025-01-01"],
      [BID_B, "1450", "2025-04-01"],
    ]);
    // A page at a time, the cursor stepping over the entries of one code and first day by their bids.
    const seen: unknown[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page = await list("drugs", `?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...summary(page.body.data));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual(summary((await list("drugs")).body.data));
    expect(seen).toHaveLength(4);

    const [june15, february, before, other] = await entriesInForce(t.db.sql, "01001", "drugs", [
      { code: "40.17", day: "2025-06-15" },
      { code: "40.17", day: "2025-02-01" },
      { code: "40.17", day: "2024-12-31" },
      { code: "40.30", day: "2025-06-30" },
    ]);
    expect(summary(june15!)).toEqual(summary(june.body.data));
    expect(summary(february!)).toEqual([[BID_A, "1500", "2025-01-01"]]);
    expect(before).toEqual([]);
    expect(summary(other!)).toEqual([[BID_A, "2100", "2025-01-01"]]);
    const forClaim = await entriesForCodes(t.db.sql, "01001", "drugs", ["40.17"]);
    expect(summary(forClaim)).toEqual(summary(june.body.data));

    // The same file again, rows in another order: every entry unchanged.
    const again = await load("drugs", tenders([...TWO_TENDERS].reverse()));
    expect(again.body.counts).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 4 });

    // Supplies too: one MA_VAT_TU bought at two tenders at once.
    const supplies = [
      "MA_VAT_TU,TEN_VAT_TU,TT_THAU,DON_GIA_BH,TU_NGAY",
      `N03.02.070,Bơm tiêm 5ml,${BID_A},1150,20250101`,
      `N03.02.070,Bơm tiêm 5ml,${BID_B},1100,20250101`,
    ].join("\n");
    expect((await load("supplies", supplies)).status).toBe(201);
    const [syringes] = await entriesInForce(t.db.sql, "01001", "supplies", [{ code: "N03.02.070", day: "2025-03-01" }]);
    expect(summary(syringes!)).toEqual([
      [BID_A, "1150", "2025-01-01"],
      [BID_B, "1100", "2025-01-01"],
    ]);
  });

  it("overlapping periods within one code and TT_THAU, or one code without TT_THAU, are still refused naming the field", async () => {
    await seedReference(t);
    const rows = [
      ["40.17", BID_A, "1500", "20250101", "20251231"],
      ["40.17", BID_B, "1500", "20250101", ""],
      ["40.17", BID_A, "1600", "20251231", ""],
      ["40.18", "", "100", "20250101", ""],
      ["40.18", "", "100", "20250301", "20250401"],
      ["40.18", BID_A, "100", "20250301", "20250401"],
    ];
    const refused = await load("drugs", tenders(rows));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      {
        path: "line[4].TU_NGAY",
        code: "overlapping_validity",
        message:
          "in force on days line 2 is for the same code and TT_THAU: periods of one code and TT_THAU may not overlap",
      },
      {
        path: "line[6].TU_NGAY",
        code: "overlapping_validity",
        message: "in force on days line 5 is for the same code: periods of one code may not overlap",
      },
    ]);
    const vietnamese = await t.json("PUT", "/v1/facilities/01001/catalogues/drugs", {
      body: tenders(rows),
      headers: { ...CSV, "accept-language": "vi" },
    });
    expect(vietnamese.body.errors.map((error: { message: string }) => error.message)).toEqual([
      "thời gian hiệu lực trùng với dòng 2 của cùng mã và cùng thông tin thầu (TT_THAU)",
      "thời gian hiệu lực trùng với dòng 5 của cùng mã",
    ]);
    expect(await t.db.prisma.catalogueEntry.count()).toBe(0);
  });

  it("a reload that changes one tender's price reports exactly that change and keeps it for re-assessment", async () => {
    await seedReference(t);
    await load("drugs", tenders(TWO_TENDERS));
    const first = await catalogueChangesAfter(t.db.sql, "0");
    expect(first.map((change) => [change.code, change.affectedFrom])).toEqual([
      ["40.17", "2025-01-01"],
      ["40.30", "2025-01-01"],
    ]);
    t.clock.advance(60_000);
    const repriced = TWO_TENDERS.map((row) => (row[1] === BID_B ? [...row.slice(0, 2), "1480", ...row.slice(3)] : row));
    const reloaded = await load("drugs", tenders(repriced));
    expect(reloaded.status).toBe(200);
    expect(reloaded.body).toMatchObject({
      counts: { added: 0, changed: 1, removed: 0, unchanged: 3 },
      added: [],
      changed: [{ code: "40.17", bidInfo: BID_B, validFrom: "2025-04-01" }],
      removed: [],
      affected: [{ code: "40.17", from: "2025-04-01" }],
    });
    const kept = await catalogueChangesAfter(t.db.sql, first.at(-1)!.id);
    expect(kept.map((change) => [change.facilityCode, change.kind, change.code, change.affectedFrom])).toEqual([
      ["01001", "drugs", "40.17", "2025-04-01"],
    ]);
    expect(summary((await list("drugs", "?code=40.17&day=2025-06-15")).body.data)).toEqual([
      [null, "1700", "2025-06-01"],
      [BID_A, "1500", "2025-01-01"],
      [BID_B, "1480", "2025-04-01"],
    ]);

    // A corrected TT_THAU is another tender: the old entry removed, the new one added, the code affected from then.
    t.clock.advance(60_000);
    const rebid = repriced.map((row) => (row[1] === BID_B ? [row[0]!, "20.00;G1;N3;2025", ...row.slice(2)] : row));
    const corrected = await load("drugs", tenders(rebid));
    expect(corrected.body).toMatchObject({
      counts: { added: 1, changed: 0, removed: 1, unchanged: 3 },
      added: [{ code: "40.17", bidInfo: "20.00;G1;N3;2025", validFrom: "2025-04-01" }],
      removed: [{ code: "40.17", bidInfo: BID_B, validFrom: "2025-04-01" }],
      affected: [{ code: "40.17", from: "2025-04-01" }],
    });
  });
});

describe("catalogues: a long key", () => {
  it("a page's cursor carries a code and a TT_THAU of 255 characters each, whatever the characters; a longer TT_THAU is refused", async () => {
    await seedReference(t);
    const code = "C".repeat(255);
    // Control characters: each is 6 bytes in the cursor's JSON (\u0001), the longest a cursor gets.
    const [bid, other] = ["\u0001", "\u0002"].map((character) => `x${character.repeat(254)}`);
    const loaded = await load(
      "drugs",
      tenders([
        [code, bid!, "1", "20250101", ""],
        [code, other!, "2", "20250101", ""],
      ]),
    );
    expect(loaded.status).toBe(201);
    const first = await list("drugs", "?limit=1");
    expect(first.body.nextCursor.length).toBeGreaterThan(500);
    const second = await list("drugs", `?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.data.map((entry: { bidInfo: string }) => entry.bidInfo)).toEqual([other]);

    const tooLong = await load("drugs", tenders([["40.17", "x".repeat(256), "1", "20250101", ""]]));
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ path: "line[2].TT_THAU", code: "too_big" })]);
  });
});

describe("catalogues: the CSV as spreadsheets write it", () => {
  const header = "MA_THUOC,TEN_THUOC,TT_THAU,DON_GIA_BH,TU_NGAY,DEN_NGAY";

  it("reads a byte-order mark, CRLF, LF and CR line ends, blank lines, and quoted commas, quotes and line breaks", async () => {
    await seedReference(t);
    const rows = [
      header,
      `40.17,"Paracetamol, 500mg","${BID_A}",1500,20250101,`,
      '40.18,"Viên ""sủi""",,1200,20250101,',
      '40.19,"Hai\r\ndòng",,1000,20250101,',
      "",
      "40.20,Thuốc,,x,20250101,",
    ];
    // Line 7 (after a field over lines 4-5 and a blank line 6): a line break inside quotes counts once.
    const bad = await load("drugs", `\uFEFF${rows.join("\r\n")}`);
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: "line[7].DON_GIA_BH", code: "invalid_number" })]);
    // The same rows with each kind of line end, and the price put right.
    const [head, first, second, third, blank, last] = rows;
    const mixed = `\uFEFF${head}\r\n${first}\r\n${second}\n${third}\r${blank}\n${last!.replace(",x,", ",1,")}\n`;
    const loaded = await load("drugs", mixed);
    expect(loaded.status).toBe(201);
    expect(loaded.body.rows).toBe(4);
    expect((await list("drugs")).body.data.map((entry: { name: string }) => entry.name)).toEqual([
      "Paracetamol, 500mg",
      'Viên "sủi"',
      "Hai\r\ndòng",
      "Thuốc",
    ]);
  });

  it("a quote left open, a quote inside a field, or text after a closing quote is malformed_csv at the record's line", async () => {
    await seedReference(t);
    const fine = ["40.17,Một,,1,20250101,", '40.18,"Hai\ndòng",,1,20250101,'];
    const cases: [string, string, string][] = [
      ['40.19,"Ba,,1,20250101,', "unclosed quote", "không phải CSV hợp lệ: dấu ngoặc kép mở mà không đóng"],
      [
        '40.19,B"a,,1,20250101,',
        "stray quote",
        "không phải CSV hợp lệ: dấu ngoặc kép trong một trường không được đặt trong ngoặc kép",
      ],
      ['40.19,"Ba"x,,1,20250101,', "after quote", "không phải CSV hợp lệ: có ký tự sau dấu ngoặc kép đóng"],
    ];
    for (const [row, reason, vietnamese] of cases) {
      // The header on line 1, the two fine rows on lines 2 and 3-4, a blank line 5, the broken one on line 6.
      const body = [header, ...fine, "", row, "40.20,Bốn,,1,20250101,"].join("\r\n");
      const refused = await load("drugs", body);
      expect(refused.status, reason).toBe(422);
      expect(refused.body.errors, reason).toEqual([
        { path: "line[6]", code: "malformed_csv", message: `not CSV (RFC 4180): ${reason}` },
      ]);
      const translated = await t.json("PUT", "/v1/facilities/01001/catalogues/drugs", {
        body,
        headers: { ...CSV, "accept-language": "vi" },
      });
      expect(translated.body.errors[0].message, reason).toBe(vietnamese);
    }
    // A quote left open in the header is line 1.
    const header1 = await load("drugs", `"MA_THUOC,TEN_THUOC\n40.17,x\n`);
    expect(header1.body.errors).toEqual([expect.objectContaining({ path: "line[1]", code: "malformed_csv" })]);
    expect(await t.db.prisma.catalogueEntry.count()).toBe(0);
  });
});
