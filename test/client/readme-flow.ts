import createClient from "openapi-fetch";
import type { components, paths } from "./api.d.ts";

type ClaimInput = components["schemas"]["ClaimInput"];

/** Throws with the problem when a call failed: the flow stops at the first step that did. */
function ok<T>(step: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`${step}: ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data;
}

const outpatient = (claimId: string, n: number): ClaimInput => ({
  claimId,
  patient: { cardNumber: `DN401${String(1_000_000_000 + n)}`, name: "Nguyễn Văn A", birthDate: "1980-05-01" },
  visitType: "outpatient",
  admittedAt: "2026-06-14T08:00:00+07:00",
  dischargedAt: "2026-06-14T11:00:00+07:00",
  diagnosis: { primary: "J18.9", secondary: [] },
  amounts: { total: "500000", insurance: "400000", patient: "100000", other: "0" },
});

/**
 * The README's flow and docs/api.md's "Getting started as a hospital", as a
 * client generated from /openapi.json (openapi-typescript types, openapi-fetch
 * calls) writes it. tsc checks every path, parameter and body against the
 * document; the test runs it against the service.
 */
export async function readmeFlow(baseUrl: string, centralKey: string, fetchImpl: typeof fetch) {
  const as = (key: string) =>
    createClient<paths>({ baseUrl, fetch: fetchImpl, headers: { authorization: `Bearer ${key}` } });
  const central = as(centralKey);

  ok("getRules", await central.GET("/v1/rules"));
  ok(
    "saveProvince",
    await central.PUT("/v1/provinces/{code}", { params: { path: { code: "01" } }, body: { name: "Hà Nội" } }),
  );
  ok(
    "saveFacility",
    await central.PUT("/v1/facilities/{code}", {
      params: { path: { code: "01001" } },
      body: { name: "Bệnh viện Bạch Mai" },
    }),
  );
  ok(
    "setEstimate",
    await central.PUT("/v1/provinces/{code}/estimates/{year}", {
      params: { path: { code: "01", year: 2026 } },
      body: { amount: "1000000" },
    }),
  );
  const hospitalKey = ok(
    "createKey",
    await central.POST("/v1/keys", { body: { role: "facility", scope: "01001", name: "Bạch Mai HIS" } }),
  ).key;

  // The hospital sends a batch of three claims: 1,200,000 of a 1,000,000 estimate.
  const hospital = as(hospitalKey);
  const batch = ok(
    "submitBatch",
    await hospital.POST("/v1/batches", {
      body: { batchId: "2026-06-14-1", claims: [outpatient("LK1", 1), outpatient("LK2", 2), outpatient("LK3", 3)] },
    }),
  );

  // The agency sees the province past its estimate, its alerts, and decides a claim.
  const usage = ok(
    "getProvinceUsage",
    await central.GET("/v1/provinces/{code}/usage", { params: { path: { code: "01" }, query: { year: 2026 } } }),
  );
  const alerts = ok("listAlerts", await central.GET("/v1/alerts", { params: { query: { province: "01" } } }));
  const claims = ok("listClaims", await central.GET("/v1/claims", { params: { query: { facility: "01001" } } }));
  const decided = ok(
    "decideClaim",
    await central.POST("/v1/claims/{facilityCode}/{claimId}/decision", {
      params: { path: { facilityCode: "01001", claimId: "LK1" } },
      body: { outcome: "approved", approvedAmount: "350000", reason: "giám định: giá vượt trần" },
    }),
  );
  return { batch, usage, alerts, claims, decided };
}
