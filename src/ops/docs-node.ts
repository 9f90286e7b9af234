import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { DocsAssets } from "./docs.ts";

/** The API reference's files as installed in node_modules (the Node server and the tests). */
export function readDocsAssets(): DocsAssets {
  const require = createRequire(import.meta.url);
  const read = (file: string) => readFileSync(require.resolve(`swagger-ui-dist/${file}`), "utf8");
  return { script: read("swagger-ui-bundle.js"), styles: read("swagger-ui.css") };
}
