import spectralCore from "@stoplight/spectral-core";
import owaspRuleset from "@stoplight/spectral-owasp-ruleset";
import { oas } from "@stoplight/spectral-rulesets";
import { beforeAll, describe, expect, it } from "vitest";
import { servedDocument } from "../../scripts/client-types.ts";

type Document = {
  paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>>;
  tags?: { name: string }[];
};
interface Finding {
  code: string | number;
  severity: number;
  path: (string | number)[];
}

/**
 * Warnings the document is left with, each for a reason (the issue's note lists them):
 * - string-restricted: free text (names, reasons, notes) has a length but no format or pattern to give;
 * - operation-description: those operations' summaries say all there is;
 * - /healthz and /readyz answer load balancers without a key (read-restricted), so no 400, 401, 429 or 500
 *   problem applies;
 * - no `info.contact`: the operator of each deployment is its contact.
 */
const ACCEPTED_WARNINGS = new Set([
  "owasp:api4:2023-string-restricted",
  "operation-description",
  "owasp:api4:2023-rate-limit-responses-429 /healthz",
  "owasp:api4:2023-rate-limit-responses-429 /readyz",
  "owasp:api8:2023-define-error-responses-401 /healthz",
  "owasp:api8:2023-define-error-responses-401 /readyz",
  "owasp:api8:2023-define-error-responses-500 /healthz",
  "owasp:api8:2023-define-error-responses-500 /readyz",
  "owasp:api8:2023-define-error-validation /healthz",
  "owasp:api8:2023-define-error-validation /readyz",
  "owasp:api2:2023-read-restricted /healthz",
  "owasp:api2:2023-read-restricted /readyz",
  "info-contact",
]);

/**
 * Errors the document keeps because it tells the truth: /healthz and /readyz send no rate-limit or CORS headers
 * (they are for load balancers and orchestrators, not pages, and no budget applies to them).
 */
const ACCEPTED_ERRORS = new Set(
  ["/healthz", "/readyz"].flatMap((path) =>
    ["owasp:api4:2023-rate-limit", "owasp:api8:2023-define-cors-origin"].map((code) => `${code} ${path}`),
  ),
);

let doc: Document;
let findings: Finding[];

beforeAll(async () => {
  doc = (await servedDocument()) as unknown as Document;
  const { Spectral } = spectralCore;
  const spectral = new Spectral();
  const owasp = (owaspRuleset as unknown as { default?: unknown }).default ?? owaspRuleset;
  spectral.setRuleset({
    extends: [
      [oas, "recommended"],
      [owasp, "recommended"],
    ],
  } as never);
  findings = (await spectral.run(JSON.stringify(doc))) as Finding[];
}, 60_000);

describe("the OpenAPI document, as Spectral (spectral:oas and the OWASP API Security ruleset) judges it", () => {
  it("has no errors: every string, array and integer bounded, every /v1 operation with its rate-limit headers and problems", () => {
    const errors = findings.filter(
      (finding) => finding.severity === 0 && !ACCEPTED_ERRORS.has(`${finding.code} ${finding.path[1]}`),
    );
    expect(errors.map((finding) => `${finding.code} at ${finding.path.join(".")}`)).toEqual([]);
  });

  it("has only the warnings accepted for a stated reason", () => {
    const unexpected = findings
      .filter((finding) => finding.severity === 1)
      .map((finding) => {
        const where = finding.path[0] === "paths" ? ` ${finding.path[1]}` : "";
        return ACCEPTED_WARNINGS.has(String(finding.code)) ? null : `${finding.code}${where}`;
      })
      .filter((key) => key !== null && !ACCEPTED_WARNINGS.has(key));
    expect(unexpected).toEqual([]);
  });
});

describe("operations a client generator can name", () => {
  const operations = () => Object.values(doc.paths).flatMap((methods) => Object.values(methods));

  it("every operation has a unique camelCase operationId, verb then noun", () => {
    const ids = operations().map((operation) => operation.operationId ?? "(none)");
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids)
      expect(id).toMatch(
        /^(get|list|create|save|set|adjust|submit|decide|add|revoke|delete|acknowledge|resolve|mark|reassess)[A-Z][A-Za-z]+$/,
      );
  });

  it("every operation's tag is declared at the top, with a description", () => {
    const declared = new Set((doc.tags ?? []).map((tag) => tag.name));
    for (const operation of operations()) expect(operation.tags?.every((tag) => declared.has(tag))).toBe(true);
  });
});
