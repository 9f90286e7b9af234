import sparticuz from "@sparticuz/chromium";
import { type Browser, chromium } from "playwright-core";

/**
 * A headless Chromium for the dashboard tests. By default the one that ships
 * inside the `@sparticuz/chromium` npm package (unpacked to the OS temp folder
 * on first use), so the tests need no system browser, no root and no network;
 * CHROMIUM_PATH names another build (Debian's /usr/bin/chromium, say) instead.
 */
export async function launchBrowser(): Promise<Browser> {
  const own = process.env.CHROMIUM_PATH;
  if (own) return chromium.launch({ executablePath: own, args: [...COMMON_FLAGS, "--headless", "--disable-gpu"] });
  // Its flags are tuned for Lambda; --single-process there makes closing one browser context end the browser.
  const args = sparticuz.args.filter((flag) => flag !== "--single-process");
  return chromium.launch({ executablePath: await sparticuz.executablePath(), args: [...args, ...COMMON_FLAGS] });
}

// Nothing leaves the machine: no update checks, no sync, no first-run page.
const COMMON_FLAGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
