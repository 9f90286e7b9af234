import { Hono } from "hono";
import type { AppEnv } from "../http/router.ts";

/**
 * The API reference's browser code, installed from npm (swagger-ui-dist), never
 * loaded from a CDN: /docs works offline and behind a hospital's firewall. Each
 * entry passes it in as it can read it: the Node server from node_modules, the
 * Worker as text modules bundled at build time.
 */
export interface DocsAssets {
  script: string;
  styles: string;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Health-insurance claims cost control: API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"><noscript><a href="/openapi.json">The OpenAPI document</a></noscript></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// A file of its own rather than an inline script, so a Content-Security-Policy can say script-src 'self'.
// No validator badge: it would send the document to swagger.io.
const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null });\n`;

/** GET /docs and the files it loads, all from this service. */
export function docsRoutes(assets: DocsAssets | undefined) {
  const app = new Hono<AppEnv>();
  const cached = { "Cache-Control": "public, max-age=86400" };
  app.get("/", (ctx) => ctx.html(PAGE));
  app.get("/init.js", (ctx) => ctx.body(INIT, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
  app.get("/swagger-ui-bundle.js", (ctx) =>
    assets
      ? ctx.body(assets.script, 200, { "Content-Type": "text/javascript; charset=utf-8", ...cached })
      : ctx.notFound(),
  );
  app.get("/swagger-ui.css", (ctx) =>
    assets ? ctx.body(assets.styles, 200, { "Content-Type": "text/css; charset=utf-8", ...cached }) : ctx.notFound(),
  );
  return app;
}
