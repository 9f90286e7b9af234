import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { ProgressBar } from "../../src/xml/cli.ts";
import { fixtureBytes } from "../fixtures/xml/index.ts";
import { freePort, killServers, runScript, startServer, tempDir } from "../support/process.ts";
import { createScratchDatabase } from "../support/scratch-database.ts";

const cli = (args: string[], env: Record<string, string>) => runScript("src/cli.ts", args, env, 60_000);
const KEY = "xml-cli-central-key-0123456789";
const before = new Date(Date.now() - 3_600_000);

/**
 * A folder as a hospital's export leaves it: two envelopes (one in a subfolder), a hostile one, and a file that is no
 * envelope.
 */
function exportFolder(root: string) {
  mkdirSync(join(root, "june", "week2"), { recursive: true });
  writeFileSync(
    join(root, "june", "a.xml"),
    fixtureEnvelope({ seed: 31, facility: "01001", episodes: 4, dischargedBefore: before, prefix: "CLA" }),
  );
  writeFileSync(
    join(root, "june", "week2", "b.xml"),
    fixtureEnvelope({
      seed: 32,
      facility: "01001",
      episodes: 3,
      dischargedBefore: before,
      prefix: "CLB",
      xml1: (i) => (i === 1 ? { NGAY_RA: "2026-06-14" } : {}),
    }),
  );
  writeFileSync(join(root, "june", "c.xml"), fixtureBytes("invalid-base64.xml"));
  writeFileSync(join(root, "june", "notes.txt"), "not an envelope");
}

async function seedFacility(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("INSERT INTO province (code, name) VALUES ('01', 'Hà Nội')");
  await client.query("INSERT INTO facility (code, name, province_code) VALUES ('01001', 'Bệnh viện Bạch Mai', '01')");
  await client.end();
}

const csvRows = (path: string) =>
  readFileSync(path, "utf8")
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n")
    .map((l) => l.split(","));

describe("npm run cli -- import-xml", { timeout: 120_000 }, () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    scratch = await createScratchDatabase("xmlcli");
    dir = tempDir("xml-export");
    exportFolder(dir.path);
    const migrated = await cli(["migrate"], { DATABASE_URL: scratch.url });
    expect(migrated.code, migrated.stderr).toBe(0);
    await seedFacility(scratch.url);
  });
  afterAll(async () => {
    dir?.remove();
    await scratch?.drop();
  });
  afterEach(killServers);

  it(
    "sends a folder to a running service: every envelope under it, a JSON summary, a CSV of what was rejected and " +
      "why",
    async () => {
      const port = await freePort();
      const server = await startServer({
        PORT: String(port),
        DATABASE_URL: scratch.url,
        BOOTSTRAP_CENTRAL_KEY: KEY,
        MARK_STUCK_INTERVAL_SECONDS: "0",
      });
      const csv = join(dir.path, "rejected-http.csv");
      const run = await cli(
        [
          "import-xml",
          "--facility",
          "01001",
          "--url",
          server.url,
          "--key",
          KEY,
          "--rejected",
          csv,
          join(dir.path, "june"),
        ],
        {},
      );
      await server.stop();
      // c.xml was refused whole: exit 1, the others were taken.
      expect(run.code, run.stderr).toBe(1);
      // Not a terminal: no progress bar.
      expect(run.stderr).toBe("");
      const summary = JSON.parse(run.stdout);
      expect(summary.files.map((f: any) => [f.path.split("/").slice(-1)[0], f.status])).toEqual([
        ["a.xml", 201],
        ["c.xml", 422],
        ["b.xml", 201],
      ]);
      expect(summary.totals).toEqual({
        files: 3,
        refusedFiles: 1,
        received: 7,
        accepted: expect.any(Number),
        pendingDocumentation: expect.any(Number),
        rejected: 1,
      });
      expect(summary.totals.accepted + summary.totals.pendingDocumentation).toBe(6);
      const [header, ...rows] = csvRows(csv);
      expect(header).toEqual(["file", "batchId", "index", "claimId", "path", "code", "message"]);
      expect(rows.map((r) => [r[0]!.split("/").slice(-1)[0], r[2], r[3], r[4], r[5]])).toEqual([
        ["c.xml", "", "", "HOSO[0].FILEHOSO[0](XML1).NOIDUNGFILE", "invalid_base64"],
        ["b.xml", "1", "CLB32-1", "HOSO[1].XML1.NGAY_RA", "invalid_format"],
      ]);
    },
  );

  it("stores straight into the database, and a second run of the same files changes nothing", async () => {
    const file = join(dir.path, "june", "a.xml");
    const env = { DATABASE_URL: scratch.url };
    const csv = join(dir.path, "rejected-db.csv");
    const first = await cli(["import-xml", "--facility", "01001", "--rejected", csv, file], env);
    expect(first.code, first.stderr).toBe(0);
    // The HTTP run above stored a.xml already: its batchId is its content's, so this is a replay.
    expect(JSON.parse(first.stdout).files[0]).toMatchObject({ status: 200, received: 4, chunks: 1 });
    expect(csvRows(csv)).toHaveLength(1);
    const other = join(dir.path, "d.xml");
    writeFileSync(
      other,
      fixtureEnvelope({ seed: 33, facility: "01001", episodes: 2, dischargedBefore: before, prefix: "CLD" }),
    );
    const fresh = await cli(["import-xml", "--facility", "01001", "--rejected", csv, other], env);
    expect(JSON.parse(fresh.stdout).files[0]).toMatchObject({ status: 201, received: 2 });
    const wrong = await cli(["import-xml", "--facility", "79001", "--rejected", csv, other], env);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).files[0]).toMatchObject({ status: 403, refused: "forbidden" });
  });

  it("refuses bad arguments with a usage line (exit 2)", async () => {
    const env = { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none" };
    for (const [args, reason] of [
      [["import-xml", "x.xml"], /--facility/],
      [["import-xml", "--facility", "01001"], /at least one file/],
      [["import-xml", "--facility", "01001", "--url", "http://x", "a.xml"], /--url and --key go together/],
    ] as [string[], RegExp][]) {
      const r = await cli(args, env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(reason);
    }
  });
});

describe("the progress line", () => {
  it("shows the share done, episodes per second and the time left", () => {
    expect(ProgressBar.line(2500, 10000, 5, 10)).toBe("[###.......] 2,500/10,000 episodes  500/s  ETA 0:15");
    expect(ProgressBar.line(0, 10000, 0, 10, "file 1/3")).toBe(
      "[..........] 0/10,000 episodes  0/s  ETA --:--  file 1/3",
    );
    expect(ProgressBar.line(10000, 10000, 100, 4)).toBe("[####] 10,000/10,000 episodes  100/s  ETA 0:00");
  });
});
