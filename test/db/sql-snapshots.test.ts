import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { entriesInForce } from "../../src/catalogues/lookup.ts";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { claim } from "../support/claims.ts";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";

/**
 * The SQL the hot paths and the reports send, checked in under test/sql/ (as
 * Immich checks in its generated SQL), so a query change shows in review. A
 * changed statement fails here until the file is regenerated with
 * `npx vitest run test/db/sql-snapshots.test.ts -u` and the diff is committed.
 * Only statement texts are recorded, never parameters; both databases must
 * send the same texts.
 */
const statements: string[] = [];
const t = useTestApp({ onQuery: (sql) => statements.push(sql) });

// Each adapter frames transactions in its own words (PGlite's reports an implicit COMMIT): not part of the review.
const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|ROLLBACK)\b|^-- Implicit/;

const XML = { "content-type": "application/xml" };

async function recorded(action: () => Promise<{ status: number }>, expected: number): Promise<string> {
  statements.length = 0;
  const res = await action();
  expect(res.status).toBe(expected);
  return statements
    .map((sql) => sql.trim())
    .filter((sql) => !TRANSACTION_CONTROL.test(sql))
    .map((sql, i) => `-- ${i + 1}\n${sql};\n`)
    .join("\n");
}

const snapshot = (name: string) => `../sql/${name}.sql`;

async function setUp(ctx: TestContext) {
  await seedReference(ctx);
  await ctx.json("PUT", "/v1/provinces/01/estimates/2026", { body: { amount: "1000000000" } });
  return { facility: await ctx.key("facility", "01001"), province: await ctx.key("province", "01") };
}

const claims = (correct: boolean) =>
  [1, 2, 3].map((id) =>
    claim(
      {
        claimId: `Q${id}`,
        visitType: id === 2 ? "inpatient" : "outpatient",
        amounts: { total: "400000", insurance: correct ? "310000" : "300000", patient: correct ? "90000" : "100000" },
      },
      id,
    ),
  );

describe("the SQL of the hot paths and the reports is checked in", () => {
  it("a JSON batch: new claims, then corrections of them", async () => {
    const { facility } = await setUp(t);
    const created = await recorded(
      () => t.json("POST", "/v1/batches", { key: facility, body: { batchId: "b1", claims: claims(false) } }),
      201,
    );
    await expect(created).toMatchFileSnapshot(snapshot("batch-new-claims"));
    const corrected = await recorded(
      () => t.json("POST", "/v1/batches", { key: facility, body: { batchId: "b2", claims: claims(true) } }),
      201,
    );
    await expect(corrected).toMatchFileSnapshot(snapshot("batch-corrections"));
  });

  it("an XML envelope", async () => {
    const { facility } = await setUp(t);
    const body = fixtureEnvelope({ seed: 7, facility: "01001", episodes: 3, dischargedBefore: t.clock.now() });
    const sql = await recorded(() => t.json("POST", "/v1/batches/xml", { key: facility, body, headers: XML }), 201);
    await expect(sql).toMatchFileSnapshot(snapshot("batch-xml"));
  });

  it("a decision and a document", async () => {
    const { facility, province } = await setUp(t);
    await t.json("POST", "/v1/batches", { key: facility, body: { batchId: "b1", claims: claims(false) } });
    const decision = await recorded(
      () =>
        t.json("POST", "/v1/claims/01001/Q1/decision", {
          key: province,
          body: { outcome: "approved", reason: "checked" },
        }),
      200,
    );
    await expect(decision).toMatchFileSnapshot(snapshot("claim-decision"));
    const document = await recorded(
      () =>
        t.json("POST", "/v1/claims/01001/Q2/documents", {
          key: facility,
          body: { documents: [{ type: "discharge_paper", reference: "GRV-2" }] },
        }),
      200,
    );
    await expect(document).toMatchFileSnapshot(snapshot("claim-document"));
  });

  it("the list of batches and a batch's rejections", async () => {
    const { facility, province } = await setUp(t);
    const bad = claim({ claimId: "bad", visitType: "x" }, 9);
    await t.json("POST", "/v1/batches", { key: facility, body: { batchId: "b1", claims: [...claims(false), bad] } });
    const list = await recorded(
      () => t.json("GET", "/v1/batches?hasRejections=true&from=2026-06-01&to=2026-06-30", { key: province }),
      200,
    );
    await expect(list).toMatchFileSnapshot(snapshot("batch-list"));
    const rejections = await recorded(() => t.json("GET", "/v1/batches/b1/rejections", { key: facility }), 200);
    await expect(rejections).toMatchFileSnapshot(snapshot("batch-rejections"));
  });

  it("a catalogue load, its list, and the lookup of entries in force", async () => {
    await seedReference(t);
    const csv = readFileSync(new URL("../fixtures/catalogues/drugs.csv", import.meta.url), "utf8");
    const load = await recorded(
      () =>
        t.json("PUT", "/v1/facilities/01001/catalogues/drugs", { body: csv, headers: { "content-type": "text/csv" } }),
      201,
    );
    await expect(load).toMatchFileSnapshot(snapshot("catalogue-load"));
    const list = await recorded(() => t.json("GET", "/v1/facilities/01001/catalogues/drugs?day=2026-01-01"), 200);
    await expect(list).toMatchFileSnapshot(snapshot("catalogue-list"));
    const pairs = [
      { code: "40.17", day: "2026-01-01" },
      { code: "40.30", day: "2025-06-01" },
    ];
    const lookup = await recorded(async () => {
      await entriesInForce(t.db.sql, "01001", "drugs", pairs);
      return { status: 200 };
    }, 200);
    await expect(lookup).toMatchFileSnapshot(snapshot("catalogue-entries-in-force"));
  });

  it("the reports", async () => {
    const { facility } = await setUp(t);
    await t.json("POST", "/v1/batches", { key: facility, body: { batchId: "b1", claims: claims(false) } });
    const reports: [string, string][] = [
      ["report-usage", "/v1/usage?year=2026"],
      ["report-province-usage", "/v1/provinces/01/usage?year=2026"],
      ["report-late-submissions", "/v1/reports/late-submissions?year=2026"],
      ["report-outliers", "/v1/reports/outliers?year=2026"],
      ["report-assessment", "/v1/reports/assessment?year=2026"],
      ["report-projection", "/v1/provinces/01/projection?year=2026"],
      ["report-backlog", "/v1/backlog"],
    ];
    for (const [name, path] of reports) {
      const sql = await recorded(() => t.json("GET", path), 200);
      await expect(sql).toMatchFileSnapshot(snapshot(name));
    }
  });
});
