import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  killServers,
  lines,
  runScript,
  type ServerProcess,
  startServer,
  tempDir,
} from "../support/process.ts";

/**
 * The README's first run, as a newcomer types it: `npm run demo` into the
 * embedded database, then `npm start`, then the keys the demo printed. What
 * they must see is a populated service: provinces past 85% and past 100% with
 * their alerts, a backlog, late facilities, outliers and an XML import.
 */
describe("npm run demo, then npm start", { timeout: 360_000 }, () => {
  const data = tempDir("demo");
  let demo: Awaited<ReturnType<typeof runScript>>;
  let keys: { central: string; province: string; facility: string };
  let year: number;
  let server: ServerProcess;

  beforeAll(async () => {
    // About 105 s alone (11,565 claims in 1,044 batches, 55,000 lines); 135 s beside the rest of the suite on two
    // cores. The bound only catches a hang.
    demo = await runScript("src/cli.ts", ["demo"], { DATA_DIR: data.path }, 300_000);
    if (demo.code !== 0) throw new Error(`demo failed: ${demo.stderr}`);
    ({ keys, year } = JSON.parse(demo.stdout));
    server = await startServer({ DATA_DIR: data.path, PORT: String(await freePort()) });
  }, 360_000);

  afterAll(async () => {
    await killServers();
    data.remove();
  });

  const get = async (path: string, key = keys.central) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as any };
  };

  it("prints a central, a province and a facility key, and where to use them", () => {
    expect(demo.stderr).toContain("http://localhost:8787/dashboard");
    for (const key of Object.values(keys)) {
      expect(key).toMatch(/^bhyt_/);
      expect(demo.stderr).toContain(key);
    }
  });

  it("leaves provinces past 85% and past 100% of their estimate, each with its alert", async () => {
    const usage = await get(`/v1/usage?year=${year}`);
    const ratios = usage.body.provinces.map((p: any) => Number(p.ratio));
    expect(usage.body.provinces).toHaveLength(34);
    expect(ratios.filter((ratio: number) => ratio > 1).length).toBeGreaterThanOrEqual(2);
    expect(ratios.filter((ratio: number) => ratio > 0.85 && ratio <= 1).length).toBeGreaterThanOrEqual(3);
    const alerts = await get(`/v1/alerts?limit=200`);
    const crossed = alerts.body.data.filter((alert: any) => alert.kind === "usage_threshold");
    expect(new Set(crossed.map((alert: any) => alert.threshold))).toEqual(new Set(["0.8500", "1.0000"]));
    expect(crossed.find((alert: any) => alert.provinceCode === "01" && alert.threshold === "1.0000")).toBeDefined();
  });

  it("leaves a backlog of stuck claims, a late facility, an outlier and claims from an XML file", async () => {
    const backlog = await get(`/v1/backlog?year=${year}`);
    expect(backlog.body.count).toBeGreaterThan(0);
    const late = await get(`/v1/reports/late-submissions?year=${year}`);
    expect(late.body.facilities.find((f: any) => f.facilityCode === "01003").lateShare).toBe("1.0000");
    const outliers = await get(`/v1/reports/outliers?year=${year}`);
    expect(outliers.body.facilities.some((f: any) => f.status === "outlier")).toBe(true);
    const fromXml = await get("/v1/claims/01001/LK130-0");
    expect(fromXml.status).toBe(200);
  });

  it("explains what the money went on: every claim has its lines, so nothing is left unspecified, and the top items", async () => {
    const costs = await get(`/v1/provinces/01/costs?year=${year}`, keys.central);
    expect(costs.status).toBe(200);
    const groups = costs.body.groups.map((group: { costGroup: string }) => group.costGroup);
    expect(groups).toEqual(expect.arrayContaining(["4", "13", "15"]));
    expect(groups).not.toContain("unspecified");
    const items = await get(`/v1/items?year=${year}&province=01&kind=drug&limit=5`, keys.central);
    expect(items.body.items).toHaveLength(5);
    expect(items.body.items[0]).toMatchObject({ kind: "drug", facilities: expect.any(Number) });
  });

  it("the province key sees its own province only", async () => {
    expect((await get(`/v1/provinces/01/usage?year=${year}`, keys.province)).status).toBe(200);
    expect((await get(`/v1/provinces/79/usage?year=${year}`, keys.province)).status).toBe(404);
  });

  it("refuses to load into a database that has data, with one line, and changes nothing", async () => {
    const before = await get(`/v1/usage?year=${year}`);
    await server.stop();
    const again = await runScript("src/cli.ts", ["demo"], { DATA_DIR: data.path }, 60_000);
    expect(again.code).toBe(1);
    expect(lines(again.stderr)).toEqual([expect.stringMatching(/empty database/)]);
    server = await startServer({ DATA_DIR: data.path, PORT: String(await freePort()) });
    const after = await get(`/v1/usage?year=${year}`);
    expect(ledger(after.body)).toEqual(ledger(before.body));
  });
});

/** What the claims put in usage, without what the clock moves (asOf, elapsed and projected ratios). */
function ledger(usage: { provinces: Array<Record<string, unknown>> }) {
  return usage.provinces.map(({ elapsedRatio: _e, projectedRatio: _p, ...rest }) => rest);
}
