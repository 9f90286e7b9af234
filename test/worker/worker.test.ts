import { describe, expect, it } from "vitest";
import { claim } from "../support/claims.ts";
import { CRONS } from "../../src/worker.ts";
import { useWorkerOnFreshDatabase } from "./wrangler.ts";

/**
 * The same app on Cloudflare's runtime: `wrangler dev` runs src/worker.ts in
 * workerd, its Hyperdrive binding pointed at a fresh PostgreSQL database that
 * the operator's migrate() prepared, and a client calls it over HTTP as a
 * hospital and the central office would.
 */
const CENTRAL_KEY = "worker-bootstrap-central-key-0123456789";
const DAY = 86_400_000;

const env = useWorkerOnFreshDatabase("worker", { BOOTSTRAP_CENTRAL_KEY: CENTRAL_KEY, LOG_LEVEL: "warn" });

async function call(
  method: string,
  path: string,
  { key = CENTRAL_KEY, body }: { key?: string | null; body?: unknown } = {},
) {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${env.worker.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** Fails with the Worker's answer and the tail of wrangler's output, which holds the Worker's logs. */
function expectStatus(res: { status: number; body: unknown }, status: number) {
  expect(res.status, `${JSON.stringify(res.body)}\n--- wrangler:\n${env.worker.output().slice(-2000)}`).toBe(status);
}

// Discharged three days ago, so the claims count in this Vietnam year whenever the test runs.
const discharged = new Date(Date.now() - 3 * DAY);
const admitted = new Date(discharged.getTime() - 2 * DAY);
const year = new Date(discharged.getTime() + 7 * 3_600_000).getUTCFullYear();
const stay = { admittedAt: admitted.toISOString(), dischargedAt: discharged.toISOString() };
const money = (insurance: string) => ({ total: insurance, insurance, patient: "0", other: "0" });

describe("the Worker under wrangler dev, on PostgreSQL through Hyperdrive", () => {
  let facilityKey = "";

  it("1. answers /healthz and /readyz (the database through the binding), each with a request id", async () => {
    const health = await call("GET", "/healthz", { key: null });
    expectStatus(health, 200);
    expect(health.body).toEqual({ status: "ok" });
    expect(health.headers.get("x-request-id")).toMatch(/\S+/);
    const ready = await call("GET", "/readyz", { key: null });
    expectStatus(ready, 200);
    expect(ready.body).toEqual({ status: "ready", database: "postgres" });
  });

  it("1b. serves the API reference's browser code itself, bundled from the npm package", async () => {
    for (const [path, type] of [
      ["/docs/swagger-ui-bundle.js", "text/javascript"],
      ["/docs/swagger-ui.css", "text/css"],
    ]) {
      const res = await fetch(`${env.worker.url}${path}`, { signal: AbortSignal.timeout(20_000) });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toContain(type);
      expect((await res.text()).length, path).toBeGreaterThan(100_000);
    }
  });

  it("2. knows the bootstrap central key from its secret, and nothing else", async () => {
    expectStatus(await call("GET", "/v1/keys", { key: "not-a-key-of-this-service" }), 401);
    const keys = await call("GET", "/v1/keys");
    expectStatus(keys, 200);
    expect(keys.body.data).toEqual([expect.objectContaining({ role: "central", name: "bootstrap" })]);
    // The rules in force are the ones bundled from rules/.
    const rules = await call("GET", "/v1/rules");
    expectStatus(rules, 200);
    expect(rules.body.usage.thresholds).toEqual([
      { ratio: "0.85", severity: "high" },
      { ratio: "1.00", severity: "critical" },
    ]);
  });

  let webhookId = "";

  it(
    "3. central sets up Hà Nội, Bạch Mai and an estimate of 1,000,000, gives Bạch Mai a key and subscribes a webhook " +
      "to Hà Nội's alerts",
    async () => {
      expectStatus(await call("PUT", "/v1/provinces/01", { body: { name: "Hà Nội" } }), 201);
      expectStatus(await call("PUT", "/v1/facilities/01001", { body: { name: "Bệnh viện Bạch Mai" } }), 201);
      expectStatus(await call("PUT", `/v1/provinces/01/estimates/${year}`, { body: { amount: "1000000" } }), 201);
      const created = await call("POST", "/v1/keys", {
        body: { role: "facility", scope: "01001", name: "Bạch Mai HIS" },
      });
      expectStatus(created, 201);
      facilityKey = created.body.key;
      // The Worker cannot resolve names: it refuses IP literals and local names into forbidden ranges itself.
      for (const url of ["https://127.0.0.1/hook", "https://169.254.169.254/latest", "https://localhost/hook"]) {
        const refused = await call("POST", "/v1/alerts/webhooks", { body: { url, provinceCode: "01" } });
        expectStatus(refused, 422);
        expect(refused.body.errors[0]).toMatchObject({ path: "url", code: "forbidden_target" });
      }
      // A name in the reserved .invalid domain resolves nowhere: every attempt fails, and the attempt is what we
      // look for.
      const hook = await call("POST", "/v1/alerts/webhooks", {
        body: { url: "https://hooks.invalid/hook", provinceCode: "01" },
      });
      expectStatus(hook, 201);
      webhookId = hook.body.id;
    },
  );

  it("4. Bạch Mai's batch takes spending to 86% and the 85% alert is already there when the batch is answered", async () => {
    const body = {
      batchId: "BM-WORKER-001",
      claims: [
        claim({ claimId: "LK-W-1", ...stay, amounts: money("600000"), documents: [] }, 1),
        // Inpatient without its discharge paper: pending documentation.
        claim({ claimId: "LK-W-2", ...stay, visitType: "inpatient", amounts: money("260000"), documents: [] }, 2),
      ],
    };
    const batch = await call("POST", "/v1/batches", { key: facilityKey, body });
    expectStatus(batch, 201);
    expect(batch.body).toMatchObject({ received: 2, accepted: 1, pendingDocumentation: 1, rejected: 0 });

    const alerts = await call("GET", `/v1/alerts?province=01&kind=usage_threshold&year=${year}`);
    expectStatus(alerts, 200);
    expect(alerts.body.data).toEqual([
      expect.objectContaining({
        kind: "usage_threshold",
        provinceCode: "01",
        year,
        threshold: "0.8500",
        ratioAtRaise: "0.8600",
        spentAtRaise: "860000",
        status: "open",
      }),
    ]);

    // Usage nests SQL fragments: it works only if the Worker carries one Prisma runtime.
    const usage = await call("GET", `/v1/usage?year=${year}`);
    expectStatus(usage, 200);
    expect(usage.body.provinces).toEqual([
      expect.objectContaining({
        provinceCode: "01",
        spent: "860000",
        pendingDocumentationAmount: "260000",
        ratio: "0.8600",
      }),
    ]);

    // The same batch again is a replay: 200, nothing counted twice.
    const replay = await call("POST", "/v1/batches", { key: facilityKey, body });
    expectStatus(replay, 200);
    expect(replay.body).toEqual(batch.body);
    expect((await call("GET", `/v1/usage?year=${year}`)).body.provinces[0].spent).toBe("860000");
  });

  it("5. sends the alert's webhook right after the write that raised it (no cron needed for a first attempt)", async () => {
    let deliveries: { alertId: string; attempts: number; lastError: string | null; status: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await call("GET", `/v1/alerts/webhooks/${webhookId}/deliveries`);
      expectStatus(res, 200);
      deliveries = res.body.data;
      if (deliveries.length && deliveries.every((d) => d.attempts > 0)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const [alert] = (await call("GET", `/v1/alerts?province=01&kind=usage_threshold&year=${year}`)).body.data;
    expect(deliveries).toContainEqual(
      expect.objectContaining({ alertId: alert.id, status: "pending", attempts: 1, lastError: expect.any(String) }),
    );
  });

  it("6. the hourly cron trigger marks the claim pending for 40 days stuck, and it shows in the backlog", async () => {
    const before = await call("GET", "/v1/backlog?province=01");
    expectStatus(before, 200);
    expect(before.body).toMatchObject({ count: 0, amount: "0", pending: { count: 1, amount: "260000" } });

    // Forty days pass for the pending claim (the Worker's clock is the real one).
    await env.db.prisma
      .$executeRaw`UPDATE claim SET pending_since = pending_since - interval '40 days' WHERE claim_id = 'LK-W-2'`;
    const cron = await fetch(`${env.worker.url}/__scheduled?cron=${encodeURIComponent(CRONS.markStuck)}`, {
      signal: AbortSignal.timeout(20_000),
    });
    expect(cron.status, await cron.text()).toBe(200);

    const after = await call("GET", "/v1/backlog?province=01");
    expectStatus(after, 200);
    expect(after.body).toMatchObject({ stuckAfterDays: 30, count: 1, amount: "260000" });
    expect(after.body.byFacility).toEqual([
      expect.objectContaining({ facilityCode: "01001", count: 1, amount: "260000" }),
    ]);
    const detail = await call("GET", "/v1/claims/01001/LK-W-2");
    expectStatus(detail, 200);
    expect(detail.body).toMatchObject({
      status: "pending_documentation",
      stuck: true,
      missingDocuments: ["discharge_paper"],
    });
  });

  it("7. loads a CSV catalogue with csv-parse on workerd: a byte-order mark, a quoted comma, two tenders of one code", async () => {
    const put = (body: string) =>
      fetch(`${env.worker.url}/v1/facilities/01001/catalogues/drugs`, {
        method: "PUT",
        headers: { authorization: `Bearer ${CENTRAL_KEY}`, "content-type": "text/csv" },
        body,
        signal: AbortSignal.timeout(20_000),
      });
    const rows = [
      "MA_THUOC,TEN_THUOC,TT_THAU,DON_GIA_BH,TU_NGAY",
      '40.17,"Paracetamol, 500mg",20.00;G1;N1;2025,1500,20250101',
      "40.17,Paracetamol 500mg,20.00;G1;N2;2025,1450,20250301",
    ];
    const broken = await put([...rows, '40.18,"Vitamin C,1,300,20250101'].join("\r\n"));
    expect(broken.status).toBe(422);
    expect((await broken.json()).errors).toEqual([expect.objectContaining({ path: "line[4]", code: "malformed_csv" })]);
    const loaded = await put(`\uFEFF${rows.join("\r\n")}\r\n`);
    const report = await loaded.json();
    expect(loaded.status, JSON.stringify(report)).toBe(201);
    expect(report.added).toEqual([
      { code: "40.17", bidInfo: "20.00;G1;N1;2025", validFrom: "2025-01-01" },
      { code: "40.17", bidInfo: "20.00;G1;N2;2025", validFrom: "2025-03-01" },
    ]);
    const listed = await call("GET", "/v1/facilities/01001/catalogues/drugs?day=2025-06-01");
    expectStatus(listed, 200);
    expect(listed.body.data.map((entry: { name: string; unitPrice: string }) => [entry.name, entry.unitPrice])).toEqual(
      [
        ["Paracetamol, 500mg", "1500"],
        ["Paracetamol 500mg", "1450"],
      ],
    );
  });
});
