import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleProblems, GZIP_LIMIT, inspectBundle } from "../../scripts/worker-bundle.ts";
import { BUNDLED_RULE_FILES, CRONS } from "../../src/worker.ts";
import { REPO, tempDir } from "../support/process.ts";
import { runWrangler } from "./wrangler.ts";

describe("the Worker as deployed", () => {
  it("carries every rule file of rules/, as it is on disk (a Worker reads no files)", () => {
    const onDisk = Object.fromEntries(
      readdirSync(join(REPO, "rules"))
        .filter((n) => n.endsWith(".json"))
        .map((n) => [n, JSON.parse(readFileSync(join(REPO, "rules", n), "utf8"))]),
    );
    const missing = Object.keys(onDisk).filter((n) => !(n in BUNDLED_RULE_FILES));
    expect(missing, `rules/${missing[0]} is not bundled: import it into BUNDLED_RULE_FILES in src/worker.ts`).toEqual(
      [],
    );
    expect(Object.keys(BUNDLED_RULE_FILES).sort()).toEqual(Object.keys(onDisk).sort());
    expect(BUNDLED_RULE_FILES).toEqual(onDisk);
  });

  it("has the cron triggers src/worker.ts answers to", () => {
    const toml = readFileSync(join(REPO, "wrangler.toml"), "utf8");
    const crons = /^crons = \[(.*)\]$/m
      .exec(toml)?.[1]
      ?.split(",")
      .map((c) => JSON.parse(c.trim()));
    expect(crons?.sort()).toEqual(Object.values(CRONS).sort());
  });

  it("builds with wrangler into one upload within the free plan's 3 MiB compressed, without Node-only code", async () => {
    const out = tempDir("worker-build");
    try {
      const build = await runWrangler([
        "deploy",
        "--dry-run",
        "--outdir",
        out.path,
        "--metafile",
        join(out.path, "meta.json"),
      ]);
      expect(build.code, build.output).toBe(0);
      const report = inspectBundle(out.path);
      expect(bundleProblems(report)).toEqual([]);
      // The query compiler travels as a precompiled module, not as base64 inside the script.
      expect(report.modules.some((m) => m.name.endsWith(".wasm"))).toBe(true);
      expect(report.gzipBytes).toBeLessThan(GZIP_LIMIT);
    } finally {
      out.remove();
    }
  });

  it("refuses a bundle that carries the Node build of the Prisma client, or one over the size limit", () => {
    const dir = tempDir("worker-fake-build");
    try {
      writeFileSync(join(dir.path, "worker.js"), "export default {};");
      const inputs = {
        "src/worker.ts": { bytesInOutput: 100 },
        "src/generated/prisma/client.ts": { bytesInOutput: 2048 },
        "node_modules/@electric-sql/pglite/dist/index.js": { bytesInOutput: 0 },
      };
      writeFileSync(join(dir.path, "meta.json"), JSON.stringify({ outputs: { "worker.js": { inputs } } }));
      const report = inspectBundle(dir.path);
      // PGlite was tree-shaken away (0 bytes): only what reached the output counts.
      expect(bundleProblems(report)).toEqual([
        "src/generated/prisma/client.ts (2.0 KiB) is in the bundle: the Node build of the Prisma client: import it " +
          "as #prisma, not ../generated/prisma/client.ts",
      ]);
      expect(bundleProblems({ ...report, forbidden: [], gzipBytes: GZIP_LIMIT + 1 })).toEqual([
        "compressed size 3.00 MiB is over the 3.00 MiB of the free plan (paid: 10.00 MiB)",
      ]);
    } finally {
      dir.remove();
    }
  });
});
