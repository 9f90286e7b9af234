import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/harness.ts";

const t = useTestApp();

describe("every HTML page", () => {
  it("has a Content-Security-Policy: own scripts only, no inline script, the one inline style by its hash, no framing", async () => {
    for (const path of ["/dashboard/login", "/docs"]) {
      const res = await t.call("GET", path, { key: null });
      const html = await res.text();
      const policy = res.headers.get("content-security-policy") ?? "";
      const directives = new Map(policy.split(/;\s*/).map((part) => [part.split(" ")[0]!, part.split(" ").slice(1)]));
      expect(directives.get("default-src"), path).toEqual(["'none'"]);
      expect(directives.get("script-src"), path).toEqual(["'self'"]);
      expect(directives.get("frame-ancestors"), path).toEqual(["'none'"]);
      expect(directives.get("form-action"), path).toEqual(["'self'"]);
      expect(policy).not.toContain("unsafe-inline");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      // No inline script at all; every inline style is one the policy names by its hash.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      for (const [, css] of html.matchAll(/<style>([\s\S]*?)<\/style>/g)) {
        const hash = `'sha256-${createHash("sha256").update(css!).digest("base64")}'`;
        expect(directives.get("style-src"), path).toContain(hash);
      }
    }
  });
});
