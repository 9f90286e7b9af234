import { serve } from "@hono/node-server";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { createApp } from "../../src/app.ts";
import type { ManualClock } from "../../src/clock.ts";
import type { Database } from "../../src/db/client.ts";
import { registerBootstrapKey } from "../../src/keys/service.ts";
import { memoryLogger } from "../../src/logger.ts";
import { readDocsAssets } from "../../src/ops/docs-node.ts";
import { defaultRules } from "../../src/rules/schema.ts";
import { launchBrowser } from "./browser.ts";
import { openTestDatabase } from "./database.ts";

/** Where the browser tests leave their screenshots (kept by CI as artifacts). */
export const ARTIFACTS = "test-artifacts";

export type App = ReturnType<typeof createApp>;

/** Calls the API in-process as `key`; anything but a success fails the story being set up. */
export async function api(app: App, key: string, method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
}

/**
 * The service on an embedded database and a real port, a story told through its API first, and a Chromium to
 * drive its pages: what each browser test file starts from.
 */
export async function startE2e(clock: ManualClock, centralKey: string, story: (app: App) => Promise<void>) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const db: Database = await openTestDatabase("pglite");
  const deps = { db, clock, rules: defaultRules(), logger: memoryLogger(), docsAssets: readDocsAssets() };
  await registerBootstrapKey(deps, centralKey);
  const app = createApp(deps);
  await story(app);
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await launchBrowser();
  const close = async () => {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
    await db.close();
  };
  return { base, browser, close };
}
