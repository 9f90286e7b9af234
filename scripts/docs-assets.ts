/**
 * Copies the API reference's browser code from the swagger-ui-dist package to
 * src/generated/docs/ as .txt files, which wrangler bundles as text modules
 * (its default rule for *.txt): the Worker has no node_modules to read at run
 * time. Runs in `npm run generate` (postinstall). The Node server reads the
 * package directly (src/ops/docs-node.ts).
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const out = fileURLToPath(new URL("../src/generated/docs/", import.meta.url));
mkdirSync(out, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"])
  copyFileSync(require.resolve(`swagger-ui-dist/${file}`), `${out}${file}.txt`);
