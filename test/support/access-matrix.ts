import { claim } from "./claims.ts";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { CENTRAL_KEY, START, type TestContext } from "./harness.ts";

/**
 * Who may do what, written out by hand from the contract (docs/api.md
 * "Keys and roles", "Errors"): for every route the app registers, the status
 * each kind of caller gets when the route's path names objects owned by
 * province A ("01") and its facility "01001". test/http/authorization-matrix
 * fails when a route has no entry here, so a new route cannot ship without
 * someone deciding who may call it.
 *
 * 401: no key or a revoked one. 403: the key's role may not do this.
 * 404: the role may, but the object is outside the key's scope (indistinguishable
 * from one that does not exist). 2xx: in scope.
 */
export const CALLERS = ["central", "provinceA", "provinceB", "facilityA", "facilityB", "revoked", "none"] as const;
export type CallerName = (typeof CALLERS)[number];

/** Routes anyone may call without a key. */
export const PUBLIC_ROUTES = [
  "GET /healthz",
  "GET /readyz",
  "GET /openapi.json",
  "GET /docs",
  "GET /docs/init.js",
  "GET /docs/swagger-ui-bundle.js",
  "GET /docs/swagger-ui.css",
];

/**
 * The dashboard's pages: signed in with a key once, then a session cookie, not
 * a bearer key. test/http/dashboard.test.ts covers who may see what there, with
 * the same scope rules; it fails when a page is added without being listed here.
 */
export const DASHBOARD_ROUTES = [
  "GET /",
  "GET /dashboard",
  "GET /dashboard/alerts",
  "GET /dashboard/batches",
  "GET /dashboard/batches/:batchId",
  "GET /dashboard/claims",
  "GET /dashboard/claims/:facilityCode/:claimId",
  "GET /dashboard/login",
  "GET /dashboard/facilities/:code",
  "GET /dashboard/facilities/:code/costs.csv",
  "GET /dashboard/facilities/:code/costs.xlsx",
  "GET /dashboard/items",
  "GET /dashboard/items.csv",
  "GET /dashboard/items.xlsx",
  "GET /dashboard/provinces/:code",
  "GET /dashboard/provinces/:code/costs.csv",
  "GET /dashboard/provinces/:code/costs.xlsx",
  "GET /dashboard/reports/late",
  "GET /dashboard/reports/outliers",
  "POST /dashboard/alerts/:id/transition",
  "POST /dashboard/claims/:facilityCode/:claimId/decision",
  "POST /dashboard/claims/:facilityCode/:claimId/documents",
  "POST /dashboard/login",
  "POST /dashboard/logout",
];

/** What the seed made: objects owned by A, and one key per caller. */
export interface Seeded {
  keys: Record<CallerName, string | null>;
  alertId: string;
  /** A key nobody uses, for DELETE /v1/keys/{id}. */
  spareKeyId: string;
  /** A's alert webhook (it has the delivery of A's alert queued). */
  webhookId: string;
}

export interface MatrixEntry {
  /** The concrete URL, with path parameters (and any filter) naming A's objects. */
  url: (s: Seeded) => string;
  body?: (s: Seeded) => unknown;
  /** Headers the body needs (its content type, when it is not JSON). */
  headers?: Record<string, string>;
  expect: Record<CallerName, number>;
}

/** Identifiers of A's private data: none of them may appear in a body sent to someone outside A. */
export const A_PRIVATE = { claimId: "LKSECRET01", patientName: "Matrix Secret Patient", batchId: "SEED-A-BATCH" };

const unauthenticated = { revoked: 401, none: 401 } as const;
/** Central only: reference writes, estimates, keys, jobs. */
const centralOnly = (ok: number) => ({
  central: ok,
  provinceA: 403,
  provinceB: 403,
  facilityA: 403,
  facilityB: 403,
  ...unauthenticated,
});
/** Any valid key reads it (reference data, rules). */
const anyKey = { central: 200, provinceA: 200, provinceB: 200, facilityA: 200, facilityB: 200, ...unauthenticated };
/** Central and A's province; B's province cannot see it; facilities' role may not. */
const provinceOfA = (ok: number) => ({
  central: ok,
  provinceA: ok,
  provinceB: 404,
  facilityA: 403,
  facilityB: 403,
  ...unauthenticated,
});
/** Central and A's facility; B's facility cannot see it; provinces' role may not. */
const facilityOfA = (ok: number) => ({
  central: ok,
  provinceA: 403,
  provinceB: 403,
  facilityA: ok,
  facilityB: 404,
  ...unauthenticated,
});

export const ACCESS_MATRIX: Record<string, MatrixEntry> = {
  "POST /v1/keys": {
    url: () => "/v1/keys",
    body: () => ({ role: "province", scope: "01", name: "matrix" }),
    expect: centralOnly(201),
  },
  "GET /v1/keys": { url: () => "/v1/keys", expect: centralOnly(200) },
  "DELETE /v1/keys/:id": { url: (s) => `/v1/keys/${s.spareKeyId}`, expect: centralOnly(204) },

  "PUT /v1/provinces/:code": {
    url: () => "/v1/provinces/01",
    body: () => ({ name: "Hà Nội" }),
    expect: centralOnly(200),
  },
  "GET /v1/provinces": { url: () => "/v1/provinces", expect: anyKey },
  "PUT /v1/facilities/:code": {
    url: () => "/v1/facilities/01001",
    body: () => ({ name: "Bệnh viện Bạch Mai" }),
    expect: centralOnly(200),
  },
  "GET /v1/facilities": { url: () => "/v1/facilities?province=01", expect: anyKey },

  "PUT /v1/provinces/:code/estimates/:year": {
    url: () => "/v1/provinces/01/estimates/2026",
    body: () => ({ amount: "300000" }),
    expect: centralOnly(200),
  },
  "POST /v1/provinces/:code/estimates/:year/adjustments": {
    url: () => "/v1/provinces/01/estimates/2026/adjustments",
    body: () => ({ amount: "1000", reason: "matrix" }),
    expect: centralOnly(201),
  },
  "GET /v1/provinces/:code/estimates/:year": { url: () => "/v1/provinces/01/estimates/2026", expect: provinceOfA(200) },

  "GET /v1/rules": { url: () => "/v1/rules", expect: anyKey },

  // Catalogues: central loads them (a CSV file in the agency's layout); the facility, its province and central read.
  "PUT /v1/facilities/:code/catalogues/:kind": {
    url: () => "/v1/facilities/01001/catalogues/services",
    body: () => "MA_DICH_VU,TEN_DICH_VU,DON_GIA,TU_NGAY,DEN_NGAY\r\n02.1900.0216,Nội soi dạ dày,256000,20250101,\r\n",
    headers: { "content-type": "text/csv" },
    expect: centralOnly(201),
  },
  "GET /v1/facilities/:code/catalogues/:kind": {
    url: () => "/v1/facilities/01001/catalogues/services?day=2026-01-01",
    expect: { central: 200, provinceA: 200, provinceB: 404, facilityA: 200, facilityB: 404, ...unauthenticated },
  },

  // A province filter naming another province is an empty list for a province key, never its data.
  "GET /v1/alerts": { url: () => "/v1/alerts?province=01", expect: { ...provinceOfA(200), provinceB: 200 } },
  "POST /v1/alerts/:id/acknowledge": {
    url: (s) => `/v1/alerts/${s.alertId}/acknowledge`,
    body: () => ({ note: "seen" }),
    expect: provinceOfA(200),
  },
  "POST /v1/alerts/:id/resolve": {
    url: (s) => `/v1/alerts/${s.alertId}/resolve`,
    body: () => ({ note: "done" }),
    expect: provinceOfA(200),
  },

  // Webhooks: a province subscribes for itself only (provinces are public reference data: naming another is refused,
  // 403).
  "POST /v1/alerts/webhooks": {
    url: () => "/v1/alerts/webhooks",
    body: () => ({ url: "https://matrix.example/hooks", provinceCode: "01" }),
    expect: { ...provinceOfA(201), provinceB: 403 },
  },
  "GET /v1/alerts/webhooks": { url: () => "/v1/alerts/webhooks", expect: { ...provinceOfA(200), provinceB: 200 } },
  "DELETE /v1/alerts/webhooks/:id": { url: (s) => `/v1/alerts/webhooks/${s.webhookId}`, expect: provinceOfA(204) },
  "GET /v1/alerts/webhooks/:id/deliveries": {
    url: (s) => `/v1/alerts/webhooks/${s.webhookId}/deliveries`,
    expect: provinceOfA(200),
  },

  "GET /v1/usage": { url: () => "/v1/usage?year=2026", expect: { ...provinceOfA(200), provinceB: 200 } },
  "GET /v1/provinces/:code/usage": { url: () => "/v1/provinces/01/usage?year=2026", expect: provinceOfA(200) },
  "GET /v1/provinces/:code/costs": { url: () => "/v1/provinces/01/costs?year=2026", expect: provinceOfA(200) },
  // The facility, its province and central; another province or facility 404.
  "GET /v1/facilities/:code/costs": {
    url: () => "/v1/facilities/01001/costs?year=2026",
    expect: { central: 200, provinceA: 200, provinceB: 404, facilityA: 200, facilityB: 404, ...unauthenticated },
  },
  // Items of one facility: itself, its province and central; another province or facility 404.
  "GET /v1/items": {
    url: () => "/v1/items?year=2026&facility=01001",
    expect: { central: 200, provinceA: 200, provinceB: 404, facilityA: 200, facilityB: 404, ...unauthenticated },
  },

  // A facility key submits for its own facility only; naming another is refused outright (facilities are public
  // reference data).
  "POST /v1/batches": {
    url: () => "/v1/batches",
    body: () => ({ batchId: "MATRIX-NEW", facilityCode: "01001", claims: [claim({ claimId: "LKMATRIX1" })] }),
    expect: { ...facilityOfA(201), facilityB: 403 },
  },
  // The envelope names 01001 (MACSKCB): B's facility key is refused before anything is read further.
  "POST /v1/batches/xml": {
    url: () => "/v1/batches/xml",
    body: () =>
      fixtureEnvelope({
        seed: 1,
        facility: "01001",
        episodes: 2,
        dischargedBefore: new Date(START),
        days: 1,
        prefix: "LKMATRIXXML",
      }),
    headers: { "content-type": "application/xml" },
    expect: { ...facilityOfA(201), facilityB: 403 },
  },
  "GET /v1/batches/:batchId": {
    url: () => `/v1/batches/${A_PRIVATE.batchId}?facility=01001`,
    expect: facilityOfA(200),
  },
  "GET /v1/batches/:batchId/rejections": {
    url: () => `/v1/batches/${A_PRIVATE.batchId}/rejections?facility=01001`,
    expect: facilityOfA(200),
  },
  // A list: outside A (B's province, B's facility) it is empty, not refused; a province key lists its facilities'.
  "GET /v1/batches": {
    url: () => "/v1/batches?facility=01001",
    expect: { central: 200, provinceA: 200, provinceB: 200, facilityA: 200, facilityB: 200, ...unauthenticated },
  },

  // Lists filter by the caller's scope: outside A they are empty, not refused.
  "GET /v1/claims": {
    url: () => "/v1/claims?facility=01001",
    expect: { central: 200, provinceA: 200, provinceB: 200, facilityA: 200, facilityB: 200, ...unauthenticated },
  },
  "GET /v1/claims/:facilityCode/:claimId": {
    url: () => `/v1/claims/01001/${A_PRIVATE.claimId}`,
    expect: { central: 200, provinceA: 200, provinceB: 404, facilityA: 200, facilityB: 404, ...unauthenticated },
  },
  "POST /v1/claims/:facilityCode/:claimId/decision": {
    url: () => `/v1/claims/01001/${A_PRIVATE.claimId}/decision`,
    body: () => ({ outcome: "approved", reason: "matrix" }),
    expect: provinceOfA(200),
  },
  "POST /v1/claims/:facilityCode/:claimId/documents": {
    url: () => `/v1/claims/01001/${A_PRIVATE.claimId}/documents`,
    body: () => ({ documents: [{ type: "discharge_paper", reference: "MATRIX-DOC" }] }),
    expect: facilityOfA(200),
  },

  "GET /v1/backlog": { url: () => "/v1/backlog?province=01&year=2026", expect: provinceOfA(200) },

  // Reports: a province key naming another province is 404; a facility key sees its own facility's rows only
  // (naming a province just narrows them), so outside A it gets an empty report, never A's rows.
  "GET /v1/reports/late-submissions": {
    url: () => "/v1/reports/late-submissions?year=2026&province=01",
    expect: { central: 200, provinceA: 200, provinceB: 404, facilityA: 200, facilityB: 200, ...unauthenticated },
  },
  "GET /v1/reports/outliers": {
    url: () => "/v1/reports/outliers?year=2026&province=01&list=all",
    expect: { central: 200, provinceA: 200, provinceB: 404, facilityA: 200, facilityB: 200, ...unauthenticated },
  },
  // A facility key naming another facility is 404, as a province key naming another province.
  "GET /v1/reports/assessment": {
    url: () => "/v1/reports/assessment?year=2026&province=01&facility=01001",
    expect: { central: 200, provinceA: 200, provinceB: 404, facilityA: 200, facilityB: 404, ...unauthenticated },
  },
  "GET /v1/provinces/:code/projection": {
    url: () => "/v1/provinces/01/projection?year=2026",
    expect: provinceOfA(200),
  },
  "POST /v1/jobs/mark-stuck": { url: () => "/v1/jobs/mark-stuck", expect: centralOnly(200) },
  "POST /v1/jobs/reassess": { url: () => "/v1/jobs/reassess", expect: centralOnly(200) },
};

/**
 * Province A ("01") with facility 01001, province B ("79") with 79001; an
 * estimate for A that A's one claim pushes past 85%, so A has an alert; a key
 * for every caller, and a revoked central key.
 */
export async function seedOwnedByA(t: TestContext): Promise<Seeded> {
  const must = async (method: string, url: string, body?: unknown) => {
    const res = await t.json(method, url, { body });
    if (res.status >= 300) throw new Error(`seed: ${method} ${url} -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await must("PUT", "/v1/provinces/01", { name: "Hà Nội" });
  await must("PUT", "/v1/provinces/79", { name: "Hồ Chí Minh" });
  await must("PUT", "/v1/facilities/01001", { name: "Bệnh viện Bạch Mai" });
  await must("PUT", "/v1/facilities/79001", { name: "Bệnh viện Chợ Rẫy" });
  await must("PUT", "/v1/provinces/01/estimates/2026", { amount: "300000" });
  const webhook = await must("POST", "/v1/alerts/webhooks", {
    url: "https://hooks.example/province-a",
    provinceCode: "01",
  });
  const key = async (role: string, scope?: string) =>
    (await must("POST", "/v1/keys", { role, scope, name: `matrix ${role} ${scope ?? ""}` })) as {
      id: string;
      key: string;
    };
  const [provinceA, provinceB, facilityA, facilityB, revoked, spare] = [
    await key("province", "01"),
    await key("province", "79"),
    await key("facility", "01001"),
    await key("facility", "79001"),
    await key("central"),
    await key("province", "79"),
  ];
  await must("DELETE", `/v1/keys/${revoked!.id}`);
  const batch = await t.json("POST", "/v1/batches", {
    key: facilityA!.key,
    body: {
      batchId: A_PRIVATE.batchId,
      claims: [
        claim({ claimId: A_PRIVATE.claimId, patient: { cardNumber: "DN4010999999999", name: A_PRIVATE.patientName } }),
      ],
    },
  });
  if (batch.status !== 201 || batch.body.accepted !== 1)
    throw new Error(`seed: batch -> ${batch.status} ${JSON.stringify(batch.body)}`);
  const alerts = await must("GET", "/v1/alerts?province=01&kind=usage_threshold");
  if (alerts.data.length !== 1) throw new Error(`seed: expected one alert for A, got ${JSON.stringify(alerts.data)}`);
  return {
    keys: {
      central: CENTRAL_KEY,
      provinceA: provinceA!.key,
      provinceB: provinceB!.key,
      facilityA: facilityA!.key,
      facilityB: facilityB!.key,
      revoked: revoked!.key,
      none: null,
    },
    alertId: alerts.data[0].id,
    spareKeyId: spare!.id,
    webhookId: webhook.id,
  };
}
