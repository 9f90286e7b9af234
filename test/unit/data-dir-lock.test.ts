import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "../../src/db/data-dir-lock.ts";
import { tempDir } from "../support/process.ts";

describe("the DATA_DIR lock (one process per embedded database)", () => {
  const dirs: { path: string; remove: () => void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
  const fresh = () => {
    const d = tempDir("lock");
    dirs.push(d);
    return d.path;
  };

  it("holds a pid file while locked and removes it on release", () => {
    const dir = fresh();
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, "server.pid"), "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(join(dir, "server.pid"))).toBe(false);
  });

  it("creates the folder if it does not exist yet", () => {
    const dir = join(fresh(), "nested", "data");
    lockDataDir(dir)();
    expect(existsSync(dir)).toBe(true);
  });

  it("refuses a folder a live process holds, naming the folder and the pid", () => {
    const dir = fresh();
    const parent = process.ppid; // alive for as long as this test runs
    writeFileSync(join(dir, "server.pid"), String(parent));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(`${dir} is in use by another process (pid ${parent})`);
    expect(readFileSync(join(dir, "server.pid"), "utf8")).toBe(String(parent));
  });

  it("takes over a pid file left by a process that no longer exists", () => {
    const dir = fresh();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(join(dir, "server.pid"), String(gone));
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, "server.pid"), "utf8")).toBe(String(process.pid));
    release();
  });

  it("takes over a pid file that holds no pid at all", () => {
    const dir = fresh();
    writeFileSync(join(dir, "server.pid"), "");
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, "server.pid"), "utf8")).toBe(String(process.pid));
    release();
  });
});
