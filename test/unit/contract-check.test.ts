import { describe, expect, it } from "vitest";
import { contractOf } from "../support/contract.ts";

/** The helper every HTTP test's answers pass through: it must catch each way an answer can leave its document. */
describe("the contract check over /openapi.json", () => {
  const contract = contractOf({
    paths: {
      "/v1/things/{id}": {
        get: {
          responses: {
            "200": {
              headers: { "Retry-After": { required: true, schema: { type: "integer", minimum: 1 } } },
              content: {
                "application/json": {
                  schema: { type: "object", required: ["id"], properties: { id: { type: "string" } } },
                },
              },
            },
            "204": {},
          },
        },
      },
    },
  });
  const headers = (entries: Record<string, string>) => new Headers(entries);
  const ok = headers({ "content-type": "application/json", "retry-after": "5" });

  it("passes an answer the document describes", () => {
    expect(contract.check("GET", "/v1/things/7", 200, ok, { id: "7" })).toBeNull();
    expect(contract.check("GET", "/v1/things/7", 204, headers({}), undefined)).toBeNull();
  });

  it("names an undocumented status, method, content type, missing or malformed header, and a body off its schema", () => {
    expect(contract.check("GET", "/v1/things/7", 418, ok, {})).toMatch(/answered 418, which it does not document/);
    expect(contract.check("PUT", "/v1/things/7", 200, ok, {})).toMatch(/PUT \/v1\/things\/\{id\} is not documented/);
    expect(
      contract.check("GET", "/v1/things/7", 200, headers({ "content-type": "text/csv", "retry-after": "5" }), ""),
    ).toMatch(/sent text\/csv, documented application\/json/);
    expect(contract.check("GET", "/v1/things/7", 204, ok, {})).toMatch(
      /sent application\/json, but the status documents no content/,
    );
    expect(
      contract.check("GET", "/v1/things/7", 200, headers({ "content-type": "application/json" }), { id: "7" }),
    ).toMatch(/the required header Retry-After is missing/);
    expect(
      contract.check("GET", "/v1/things/7", 200, headers({ "content-type": "application/json", "retry-after": "0" }), {
        id: "7",
      }),
    ).toMatch(/header Retry-After "0"/);
    expect(contract.check("GET", "/v1/things/7", 200, ok, { id: 7 })).toMatch(
      /GET \/v1\/things\/\{id\} 200: data\/id must be string/,
    );
  });
});
