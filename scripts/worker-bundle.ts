/**
 * Reads what `wrangler deploy --dry-run --outdir DIR --metafile DIR/meta.json`
 * wrote, prints the upload and its gzip size, and fails when the Worker would
 * not deploy or carries code it must not: `npm run build:worker`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const MiB = 1024 * 1024;

/**
 * Cloudflare's limit on a Worker's compressed size: 3 MiB on the free plan,
 * 10 MiB on a paid one. We hold ourselves to the smaller, so the Worker
 * deploys on any account and a stray dependency shows up here first.
 */
export const GZIP_LIMIT = 3 * MiB;
export const PAID_GZIP_LIMIT = 10 * MiB;

/**
 * Inputs that must never reach the bundle. The Node build of the Prisma client
 * carries its query compiler as base64 to compile at run time, which workerd
 * refuses (and it alone would add 4.5 MB); PGlite is the Node server's
 * embedded database.
 */
export const FORBIDDEN_INPUTS: { pattern: RegExp; why: string }[] = [
  {
    pattern: /src\/generated\/prisma\//,
    why: "the Node build of the Prisma client: import it as #prisma, not ../generated/prisma/client.ts",
  },
  { pattern: /@electric-sql\/pglite|pglite-prisma-adapter/, why: "PGlite, the Node server's embedded database" },
];

export interface BundleReport {
  modules: { name: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
  /** Inputs that made it into the output although FORBIDDEN_INPUTS names them. */
  forbidden: { input: string; bytes: number; why: string }[];
}

/** Sizes every module wrangler would upload (scripts, WebAssembly, text; no maps) and lists forbidden inputs. */
export function inspectBundle(dir: string): BundleReport {
  const modules = readdirSync(dir)
    .filter((name) => /\.(m?js|wasm|txt)$/.test(name) && statSync(join(dir, name)).isFile())
    .map((name) => {
      const content = readFileSync(join(dir, name));
      return { name, bytes: content.length, gzipBytes: gzipSync(content).length };
    });
  if (!modules.some((m) => /\.m?js$/.test(m.name))) throw new Error(`no worker script in ${dir}`);
  const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const forbidden: BundleReport["forbidden"] = [];
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const rule = FORBIDDEN_INPUTS.find((f) => f.pattern.test(input));
      if (rule && bytesInOutput > 0) forbidden.push({ input, bytes: bytesInOutput, why: rule.why });
    }
  }
  return {
    modules,
    bytes: modules.reduce((n, m) => n + m.bytes, 0),
    gzipBytes: modules.reduce((n, m) => n + m.gzipBytes, 0),
    forbidden,
  };
}

/** The problems that should stop a deploy, one line each. */
export function bundleProblems(report: BundleReport): string[] {
  const problems = report.forbidden.map((f) => `${f.input} (${kib(f.bytes)}) is in the bundle: ${f.why}`);
  if (report.gzipBytes > GZIP_LIMIT)
    problems.push(
      `compressed size ${mib(report.gzipBytes)} is over the ${mib(GZIP_LIMIT)} of the free plan (paid: ` +
        `${mib(PAID_GZIP_LIMIT)})`,
    );
  return problems;
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const mib = (n: number) => `${(n / MiB).toFixed(2)} MiB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2] ?? "dist";
  const report = inspectBundle(dir);
  for (const m of report.modules) process.stdout.write(`${m.name}: ${kib(m.bytes)}, gzip ${kib(m.gzipBytes)}\n`);
  process.stdout.write(
    `worker bundle: ${mib(report.bytes)}, gzip ${mib(report.gzipBytes)} (limit ${mib(GZIP_LIMIT)} free, ` +
      `${mib(PAID_GZIP_LIMIT)} paid)\n`,
  );
  const problems = bundleProblems(report);
  for (const p of problems) process.stderr.write(`worker bundle: ${p}\n`);
  process.exit(problems.length ? 1 : 0);
}
