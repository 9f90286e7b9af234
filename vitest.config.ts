import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Names this run's PostgreSQL databases, so concurrent runs on one server never collide.
const runId = process.env.TEST_RUN_ID ?? String(process.pid);

/**
 * Four projects: pure unit tests once; the HTTP and database suite twice, on
 * the embedded PGlite and on real PostgreSQL (TEST_DATABASE_URL, or a server
 * this run starts); concurrency and fault tests on PostgreSQL only; the Worker
 * under wrangler dev, on a database of that same server. Each project
 * `extends` this root config: without it a project silently runs with vitest's
 * default 5 s test and 10 s hook timeouts instead of these.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    // vitest's default is one fewer worker than the cores: one, here. Most test files wait on a
    // database, a child process or a browser; two at once took the suite from 534 s to 402 s.
    maxWorkers: Math.max(2, availableParallelism()),
    // The unit, PGlite and PostgreSQL files share their worker's modules (isolate: false below): importing the app
    // again for each of ~120 files cost about 140 s of CPU. Each file makes its own app, on its worker's database.
    hookTimeout: 60_000,
    // TEST_DATABASE_URL, or a PostgreSQL server of this run's own (npm-shipped binaries) when it is unset.
    globalSetup: ["test/support/postgres-server.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/process/**/*.test.ts"], isolate: false },
      },
      {
        extends: true,
        test: {
          name: "pglite",
          include: ["test/http/**/*.test.ts", "test/db/**/*.test.ts"],
          env: { TEST_DB: "pglite" },
          isolate: false,
        },
      },
      // The dashboard in headless Chromium (Debian's, driven by playwright-core), on the embedded database.
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          env: { TEST_DB: "pglite" },
          testTimeout: 90_000,
          globalSetup: ["test/support/postgres-server.ts", "test/support/chromium-setup.ts"],
        },
      },
      // src/worker.ts under wrangler dev (workerd), and its deployable bundle. Its database is
      // named after its own test process, not this run, so the postgres project's set-up and
      // tear-down (which drop this run's databases) never drop it while wrangler uses it.
      { extends: true, test: { name: "worker", include: ["test/worker/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "postgres",
          include: ["test/http/**/*.test.ts", "test/db/**/*.test.ts", "test/pg/**/*.test.ts"],
          env: { TEST_DB: "postgres", TEST_RUN_ID: runId },
          isolate: false,
          globalSetup: ["test/support/postgres-server.ts", "test/support/postgres-setup.ts"],
        },
      },
    ],
  },
});
