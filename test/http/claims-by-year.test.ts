import { describe, expect, it } from "vitest";
import { aggregates } from "../support/aggregates.ts";
import { seedReference, useTestApp } from "../support/harness.ts";
import { stay, submitFor } from "../support/reports.ts";

const t = useTestApp();

const PARTITIONED = ["claim", "claim_document", "claim_history"];

/** Where each row of a claim and its documents and history lives: the partition's name, and the year it carries. */
async function placement(claimId: string) {
  const rows = await t.db.prisma.$queryRawUnsafe<{ part: string; year: number; n: number }[]>(
    `SELECT c.tableoid::regclass::text AS part, c.year, 1 AS n FROM claim c WHERE c.claim_id = $1
     UNION ALL
     SELECT d.tableoid::regclass::text, d.claim_year, count(*)::int
       FROM claim_document d JOIN claim c ON c.id = d.claim_ref WHERE c.claim_id = $1 GROUP BY 1, 2
     UNION ALL
     SELECT h.tableoid::regclass::text, h.claim_year, count(*)::int
       FROM claim_history h JOIN claim c ON c.id = h.claim_ref WHERE c.claim_id = $1 GROUP BY 1, 2
     ORDER BY 1`,
    claimId,
  );
  return rows.map((row) => [row.part, Number(row.year), Number(row.n)]);
}

describe("claims partitioned by discharge year", () => {
  it("partitions the claims, their documents and their history by year, the same years each", async () => {
    const rows = await t.db.prisma.$queryRawUnsafe<{ parent: string; strategy: string; key: string }[]>(
      `SELECT c.relname::text AS parent, p.partstrat::text AS strategy,
              (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = p.partattrs[0]) AS key
       FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
       WHERE c.relname = ANY($1::text[]) ORDER BY 1`,
      PARTITIONED,
    );
    expect(rows).toEqual([
      { parent: "claim", strategy: "l", key: "year" },
      { parent: "claim_document", strategy: "l", key: "claim_year" },
      { parent: "claim_history", strategy: "l", key: "claim_year" },
    ]);
    const years = await t.db.prisma.$queryRawUnsafe<{ parent: string; years: number[] }[]>(
      `SELECT parent.relname::text AS parent,
              array_agg(substring(pg_get_expr(child.relpartbound, child.oid) FROM '\\((\\d+)\\)')::int) AS years
       FROM pg_inherits i JOIN pg_class parent ON parent.oid = i.inhparent JOIN pg_class child ON child.oid = i.inhrelid
       WHERE parent.relname = ANY($1::text[]) GROUP BY 1 ORDER BY 1`,
      PARTITIONED,
    );
    const [claim, ...others] = years.map((row) => row.years.map(Number).sort((a, b) => a - b));
    for (const other of others) expect(other).toEqual(claim);
    // From 2020 to the year after the one the migration ran in, at least.
    const thisYear = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    for (let year = 2020; year <= thisYear + 1; year++) expect(claim).toContain(year);
  });

  it("keeps one claim when a correction moves its discharge over New Year, with its documents and history", async () => {
    await seedReference(t);
    t.clock.set("2027-01-10T03:00:00Z");
    const paper = { documents: [{ type: "discharge_paper", reference: "GRV-NY" }] };
    // 23:00 on 31 December in Vietnam: year 2026.
    const before = stay("NY1", "2026-12-31T16:00:00Z", "150000", { visitType: "inpatient", ...paper });
    expect((await submitFor(t, "01001", "NY-1", [before])).claims[0]).toMatchObject({ outcome: "created" });
    expect(await placement("NY1")).toEqual([
      ["claim_2026", 2026, 1],
      ["claim_document_2026", 2026, 1],
    ]);

    // The hospital corrects the discharge to 01:00 on 1 January: year 2027.
    const after = stay("NY1", "2026-12-31T18:00:00Z", "150000", { visitType: "inpatient" });
    expect((await submitFor(t, "01001", "NY-2", [after])).claims[0]).toMatchObject({
      outcome: "corrected",
      status: "accepted",
    });
    expect(await placement("NY1")).toEqual([
      ["claim_2027", 2027, 1],
      ["claim_document_2027", 2027, 1],
      ["claim_history_2027", 2027, 1],
    ]);
    const detail = await t.json("GET", "/v1/claims/01001/NY1");
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ version: 2, dischargedAt: "2026-12-31T18:00:00.000Z" });
    expect(detail.body.history).toHaveLength(1);
    const usage = async (year: number) =>
      (await t.json("GET", `/v1/provinces/01/usage?year=${year}`)).body.spent as string;
    expect([await usage(2026), await usage(2027)]).toEqual(["0", "150000"]);

    // And back again: still one claim, now in 2026 with two superseded versions.
    expect((await submitFor(t, "01001", "NY-3", [before])).claims[0]).toMatchObject({ outcome: "corrected" });
    expect(await placement("NY1")).toEqual([
      ["claim_2026", 2026, 1],
      ["claim_document_2026", 2026, 1],
      ["claim_history_2026", 2026, 2],
    ]);
    expect([await usage(2026), await usage(2027)]).toEqual(["150000", "0"]);
    const { stored, recomputed } = await aggregates(t.db);
    expect(stored).toEqual(recomputed);
  });

  it("refuses a discharge before the first year kept, naming the field; stores the rest of the batch", async () => {
    await seedReference(t);
    const res = await t.json("POST", "/v1/batches", {
      body: {
        batchId: "OLD-1",
        facilityCode: "01001",
        claims: [stay("OLD1", "2019-12-31T16:59:59Z"), stay("NEW1", "2019-12-31T17:00:00Z")],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        index: 0,
        path: "claims[0].dischargedAt",
        code: "out_of_range",
        message: "dischargedAt is before 2020, the first year this service keeps",
      }),
    ]);
    expect(res.body.claims.map((c: { outcome: string }) => c.outcome)).toEqual(["rejected", "created"]);
  });

  it("has this year's and next year's partitions made by the periodic marking, so a new year's claims are kept", async () => {
    await seedReference(t);
    t.clock.set("2031-03-01T03:00:00Z");
    expect((await t.json("POST", "/v1/jobs/mark-stuck")).status).toBe(200);
    const made = await t.db.prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT relname::text AS name FROM pg_class WHERE relname LIKE 'claim%\\_203_' ESCAPE '\\' ORDER BY 1`,
    );
    expect(made.map((row) => row.name)).toEqual([
      "claim_2031",
      "claim_2032",
      "claim_document_2031",
      "claim_document_2032",
      "claim_history_2031",
      "claim_history_2032",
    ]);
    // Run again: nothing to make, nothing refused.
    t.clock.set("2031-03-01T04:00:00Z");
    expect((await t.json("POST", "/v1/jobs/mark-stuck")).status).toBe(200);
    const claim = stay("Y2031", "2031-02-27T03:00:00Z");
    expect((await submitFor(t, "01001", "Y-2031", [claim])).claims[0]).toMatchObject({ outcome: "created" });
    expect(await placement("Y2031")).toEqual([["claim_2031", 2031, 1]]);

    // Lines and findings are compressed with lz4 where the server has it (20261212010000_claim_lines_lz4), in the
    // partitions the migration found and in those made since alike; with the default (none set) where it has not.
    const [server] = await t.db.prisma.$queryRawUnsafe<{ lz4: boolean }[]>(
      `SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
    );
    const methods = await t.db.prisma.$queryRawUnsafe<{ part: string; method: string }[]>(
      `SELECT c.relname::text AS part, a.attcompression::text AS method
       FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_attribute a ON a.attrelid = c.oid
       WHERE p.relname = 'claim' AND a.attname IN ('lines', 'findings')`,
    );
    expect(methods.map((row) => row.part)).toContain("claim_2032");
    expect(new Set(methods.map((row) => row.method))).toEqual(new Set([server!.lz4 ? "l" : ""]));
  });
});
