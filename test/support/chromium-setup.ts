import sparticuz from "@sparticuz/chromium";

/**
 * Vitest global set-up of the e2e project: unpacks the `@sparticuz/chromium` browser to the OS temp folder once,
 * before the browser test files start. Each file (a process of its own) would otherwise unpack it on first use,
 * and the package only checks that /tmp/chromium exists: the second file found the first one's half-written
 * binary and failed with `spawn ETXTBSY`, taking all its tests with it, on any machine running the suite for
 * the first time (a fresh CI machine: every time).
 */
export default async function setup() {
  if (!process.env.CHROMIUM_PATH) await sparticuz.executablePath();
}
