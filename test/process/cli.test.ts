import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { systemClock } from "../../src/clock.ts";
import { type Database, openPostgres } from "../../src/db/client.ts";
import { readMigrations } from "../../src/db/migrations-fs.ts";
import { memoryLogger } from "../../src/logger.ts";
import { defaultRules } from "../../src/rules/schema.ts";
import { lines, REPO, runScript, tempDir } from "../support/process.ts";
import { createScratchDatabase } from "../support/scratch-database.ts";

// The embedded database takes seconds to create on a busy machine: generous bounds.
const cli = (args: string[], env: Record<string, string> = {}) => runScript("src/cli.ts", args, env, 45_000);

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string) {
  expect(lines(stderr), stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe("operator CLI: arguments", { timeout: 90_000 }, () => {
  it("refuses bad arguments with one usage line and exit code 2, before touching any database", async () => {
    // Each reason is covered in test/unit/cli-args.test.ts; here, what the operator sees.
    const cases: [string[], RegExp][] = [
      [[], /no command/],
      [["keys", "create", "--role", "province", "--name", "x"], /--scope: a province key needs a scope/],
      [["keys", "create", "--role", "central", "--name", "x", "--colour", "red"], /--colour/],
    ];
    // An unreachable database proves nothing was opened: that would exit 1, not 2.
    const env = { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none" };
    const results = await Promise.all(cases.map(([args]) => cli(args, env)));
    results.forEach((r, i) => {
      const [args, reason] = cases[i]!;
      expect(r.code, args.join(" ")).toBe(2);
      expectOneLine(r.stderr);
      expect(r.stderr).toMatch(reason);
      expect(r.stderr).toContain("usage: npm run cli -- keys create --role central|province|facility");
      expect(r.stdout).toBe("");
    });
  });

  it("prints the usage on --help and exits 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: .*keys list .*keys revoke ID .*migrate \| demo\n$/);
  });
});

describe("operator CLI on PostgreSQL", { timeout: 90_000 }, () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: Database;
  let env: Record<string, string>;

  beforeAll(async () => {
    scratch = await createScratchDatabase("cli");
    env = { DATABASE_URL: scratch.url };
    db = openPostgres({ connectionString: scratch.url, max: 2 });
  });
  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it("migrate applies every pending migration once and then reports nothing to apply", async () => {
    const fresh = await createScratchDatabase("climig");
    const freshDb = openPostgres({ connectionString: fresh.url, max: 1 });
    try {
      const names = (await readMigrations()).map((m) => m.name);
      expect(names.length).toBeGreaterThan(0);
      const first = await cli(["migrate"], { DATABASE_URL: fresh.url });
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toEqual({ applied: names });
      const second = await cli(["migrate"], { DATABASE_URL: fresh.url });
      expect(second.code, second.stderr).toBe(0);
      expect(JSON.parse(second.stdout)).toEqual({ applied: [] });
      const rows = await freshDb.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
        `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      expect(rows.map((r) => r.migration_name)).toEqual(names);
    } finally {
      await freshDb.close();
      await fresh.drop();
    }
  });

  it("First, the operator creates the first central key; its secret is printed once and works against the API", async () => {
    const created = await cli(["keys", "create", "--role", "central", "--name", "national operations"], env);
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key).toMatchObject({ role: "central", scope: null, name: "national operations" });
    expect(key.key).toMatch(/^bhyt_[A-Za-z0-9_-]{43}$/);
    expect(key.id).toMatch(/^[0-9a-f-]{36}$/);

    // The key is usable at once by a server on the same database.
    const app = createApp({ db, clock: systemClock, rules: defaultRules(), logger: memoryLogger() });
    const put = await app.request("/v1/provinces/01", {
      method: "PUT",
      headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Hà Nội" }),
    });
    expect(put.status).toBe(201);

    // Second, a province key for that province; the creation is audited with no caller.
    const province = await cli(
      ["keys", "create", "--role", "province", "--scope", "01", "--name", "Hà Nội reviewers"],
      env,
    );
    expect(province.code, province.stderr).toBe(0);
    const provinceKey = JSON.parse(province.stdout);
    expect(provinceKey).toMatchObject({ role: "province", scope: "01" });
    const audit = await db.prisma.auditLog.findMany({ where: { entity: "api_key", entityId: provinceKey.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "key.create", actorKeyId: null, actorRole: null });

    // Third, the list shows both keys and never a secret.
    const list = await cli(["keys", "list"], env);
    expect(list.code, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as { id: string; revokedAt: string | null }[];
    expect(listed.map((k) => k.id)).toEqual(expect.arrayContaining([key.id, provinceKey.id]));
    expect(list.stdout).not.toContain(key.key);
    expect(list.stdout).not.toContain(provinceKey.key);
    expect(listed.every((k) => k.revokedAt === null)).toBe(true);

    // Fourth, revoking the province key: it is refused from then on, and the revocation is audited.
    const revoked = await cli(["keys", "revoke", provinceKey.id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: provinceKey.id, revokedAt: expect.stringMatching(/Z$/) });
    const refused = await app.request("/v1/rules", { headers: { authorization: `Bearer ${provinceKey.key}` } });
    expect(refused.status).toBe(401);
    const actions = await db.prisma.auditLog.findMany({ where: { entityId: provinceKey.id }, orderBy: { id: "asc" } });
    expect(actions.map((a) => [a.action, a.actorKeyId])).toEqual([
      ["key.create", null],
      ["key.revoke", null],
    ]);
  });

  it("loads a facility's catalogue from a CSV file through the same service as the API, and reports what changed", async () => {
    const app = createApp({ db, clock: systemClock, rules: defaultRules(), logger: memoryLogger() });
    const central = JSON.parse(
      (await cli(["keys", "create", "--role", "central", "--name", "catalogues"], env)).stdout,
    );
    const put = (path: string, body: unknown) =>
      app.request(path, {
        method: "PUT",
        headers: { authorization: `Bearer ${central.key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    await put("/v1/provinces/01", { name: "Hà Nội" });
    expect((await put("/v1/facilities/01001", { name: "Bệnh viện Bạch Mai" })).status).toBeLessThan(300);
    const file = join(REPO, "test/fixtures/catalogues/services.csv");
    const args = ["catalogues", "load", "--facility", "01001", "--kind", "services", "--file", file];

    const first = await cli(args, env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ kind: "services", counts: { added: 2, unchanged: 0 } });
    const again = await cli(args, env);
    expect(JSON.parse(again.stdout)).toMatchObject({ counts: { added: 0, changed: 0, removed: 0, unchanged: 2 } });
    const audit = await db.prisma.auditLog.findMany({ where: { entity: "catalogue" } });
    expect(audit.map((entry) => [entry.action, entry.actorRole])).toEqual([
      ["catalogue.load", null],
      ["catalogue.load", null],
    ]);

    // A file of another layout: one line naming the first bad column, exit code 1, nothing written.
    const wrong = await cli([...args.slice(0, 5), "drugs", "--file", file], env);
    expect(wrong.code).toBe(1);
    expectOneLine(wrong.stderr);
    expect(wrong.stderr).toMatch(/^error: invalid file \(Mẫu 03\/DM\), nothing loaded: line\[1\]\.MA_THUOC: /);
    const missing = await cli([...args.slice(0, 7), "/nonexistent/drugs.csv"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("error: cannot read /nonexistent/drugs.csv: ENOENT\n");
    expect(await db.prisma.catalogueEntry.count({ where: { kind: "drugs" } })).toBe(0);
  });

  it("a key for a province that does not exist fails with exit code 1 and one line naming it", async () => {
    const r = await cli(["keys", "create", "--role", "province", "--scope", "42", "--name", "nobody"], env);
    expect(r.code).toBe(1);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/^error: .*province 42 does not exist/);
    expect(await db.prisma.apiKey.count({ where: { scope: "42" } })).toBe(0);
  });

  it("revoking a key that does not exist fails with exit code 1 and one line", async () => {
    for (const id of ["7b0e5d0a-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const r = await cli(["keys", "revoke", id], env);
      expect(r.code).toBe(1);
      expectOneLine(r.stderr);
      expect(r.stderr).toContain(`no key with id ${id}`);
    }
  });
});

describe("operator CLI: configuration and the embedded database", { timeout: 90_000 }, () => {
  it("an unreachable database fails with exit code 1 and one line naming where it looked", async () => {
    const r = await cli(["keys", "list"], { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x" });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1\/x/);
  });

  it("a DATABASE_URL that is not a URL fails with exit code 1 and one line naming the variable", async () => {
    const r = await cli(["migrate"], { DATABASE_URL: "not a url" });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  });

  it("refuses a DATA_DIR a running server holds, naming the folder", async () => {
    const dir = tempDir("cli-locked");
    try {
      // The test runner itself plays the running server.
      writeFileSync(join(dir.path, "server.pid"), String(process.pid));
      const r = await cli(["keys", "list"], { DATA_DIR: dir.path });
      expect(r.code).toBe(1);
      expectOneLine(r.stderr);
      expect(r.stderr).toContain(dir.path);
      expect(r.stderr).toContain("in use");
    } finally {
      dir.remove();
    }
  });

  it("works on the embedded database under DATA_DIR: a key created once is listed by the next run", async () => {
    const dir = tempDir("cli-pglite");
    try {
      const created = await cli(["keys", "create", "--role", "central", "--name", "ops"], { DATA_DIR: dir.path });
      expect(created.code, created.stderr).toBe(0);
      const { id } = JSON.parse(created.stdout);
      const list = await cli(["keys", "list"], { DATA_DIR: dir.path });
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout).map((k: { id: string }) => k.id)).toEqual([id]);
    } finally {
      dir.remove();
    }
  });
});
