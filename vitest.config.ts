import { defineConfig } from "vitest/config";

/**
 * Three projects: pure unit tests once; the HTTP and database suite twice, on
 * the embedded PGlite and on real PostgreSQL (TEST_DATABASE_URL, default the
 * local server); concurrency and fault tests on PostgreSQL only.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      { test: { name: "pglite", include: ["test/http/**/*.test.ts", "test/db/**/*.test.ts"], env: { TEST_DB: "pglite" } } },
      {
        test: {
          name: "postgres",
          include: ["test/http/**/*.test.ts", "test/db/**/*.test.ts", "test/pg/**/*.test.ts"],
          env: { TEST_DB: "postgres" },
          globalSetup: ["test/support/postgres-setup.ts"],
        },
      },
    ],
  },
});
