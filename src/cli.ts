import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { systemClock } from "./clock.ts";
import { ConfigError, loadConfig } from "./config.ts";
import type { Database } from "./db/client.ts";
import { DataDirLockedError } from "./db/data-dir-lock.ts";
import type { AppDeps } from "./deps.ts";
import { Problem } from "./http/problem.ts";
import { CreateKey, createKey, keyView, revokeKey } from "./keys/service.ts";
import { loadDemo } from "./demo/load.ts";
import { jsonLogger } from "./logger.ts";
import { loadRules } from "./rules/load.ts";
import { openConfiguredDatabase, StartupError } from "./runtime.ts";
import { type ImportXmlCommand, runImportXml } from "./xml/cli.ts";
import { CATALOGUE_KINDS } from "./assessment/types.ts";
import { type CatalogueLoadCommand, runCatalogueLoad } from "./catalogues/cli.ts";
import { reassessPending } from "./assessment/reassess.ts";

/**
 * The operator's tool: the same environment and database as the server, for
 * what has to happen before any key exists (the first central key) or outside
 * the API (migrations). Output is JSON on stdout; a failure is one line on
 * stderr. Exit codes: 0 done, 1 failed, 2 bad arguments.
 */
export const USAGE =
  "usage: npm run cli -- keys create --role central|province|facility [--scope CODE] --name NAME | keys list | keys " +
  "revoke ID" +
  " | import-xml --facility CODE [--url URL --key KEY] [--batch-id ID] [--rejected FILE.csv] PATH..." +
  ` | catalogues load --facility CODE --kind ${CATALOGUE_KINDS.join("|")} --file FILE.csv | catalogues reassess` +
  " | migrate" +
  " | demo";

export class UsageError extends Error {}

export type Command =
  | { kind: "keys.create"; role: "central" | "province" | "facility"; scope?: string | undefined; name: string }
  | { kind: "keys.list" }
  | { kind: "keys.revoke"; id: string }
  | { kind: "migrate" }
  | { kind: "demo" }
  | { kind: "import-xml"; options: ImportXmlCommand }
  | ({ kind: "catalogues.load" } & CatalogueLoadCommand)
  | { kind: "catalogues.reassess" }
  | { kind: "help" };

/** parseArgs with its errors as usage errors. */
function parseOptions<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0]);
  }
}

function parseImportXml(args: string[]): Command {
  const { values, positionals } = parseOptions(args, {
    facility: { type: "string" },
    url: { type: "string" },
    key: { type: "string" },
    "batch-id": { type: "string" },
    rejected: { type: "string" },
  } as const);
  if (!values.facility || !/^\d{5}$/.test(values.facility))
    throw new UsageError("--facility: a 5-digit facility code is required");
  if (positionals.length === 0) throw new UsageError("import-xml needs at least one file or folder");
  if (values.url !== undefined && !URL.canParse(values.url)) throw new UsageError("--url: not a URL");
  if ((values.url === undefined) !== (values.key === undefined))
    throw new UsageError("--url and --key go together (without both, the files go straight to the database)");
  if (values["batch-id"] !== undefined && positionals.length !== 1)
    throw new UsageError("--batch-id names one file's batch: give exactly one file");
  return {
    kind: "import-xml",
    options: {
      facility: values.facility,
      paths: positionals,
      url: values.url,
      key: values.key,
      batchId: values["batch-id"],
      rejected: values.rejected ?? "xml-rejected.csv",
    },
  };
}

function parseCatalogues(action: string | undefined, args: string[]): Command {
  if (action === "reassess") {
    if (parseOptions(args, {}).positionals.length) throw new UsageError("catalogues reassess takes no arguments");
    return { kind: "catalogues.reassess" };
  }
  if (action !== "load")
    throw new UsageError(
      action === undefined ? "catalogues needs load or reassess" : `unknown catalogues command ${action}`,
    );
  const { values, positionals } = parseOptions(args, {
    facility: { type: "string" },
    kind: { type: "string" },
    file: { type: "string" },
  } as const);
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (!values.facility || !/^\d{5}$/.test(values.facility))
    throw new UsageError("--facility: a 5-digit facility code is required");
  const kind = CATALOGUE_KINDS.find((known) => known === values.kind);
  if (!kind) throw new UsageError(`--kind: one of ${CATALOGUE_KINDS.join(", ")} is required`);
  if (!values.file) throw new UsageError("--file: the CSV file to load is required");
  return { kind: "catalogues.load", facility: values.facility, catalogue: kind, file: values.file };
}

function parseKeysCreate(args: string[]): Command {
  const { values, positionals } = parseOptions(args, {
    role: { type: "string" },
    scope: { type: "string" },
    name: { type: "string" },
  } as const);
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const checked = CreateKey.safeParse({ role: values.role, scope: values.scope, name: values.name });
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    throw new UsageError(`--${String(issue.path[0] ?? "role")}: ${missing ? "is required" : issue.message}`);
  }
  return { kind: "keys.create", ...checked.data };
}

function parseKeys(action: string | undefined, args: string[]): Command {
  if (action === "create") return parseKeysCreate(args);
  if (action === "list") {
    if (parseOptions(args, {}).positionals.length) throw new UsageError(`keys list takes no arguments`);
    return { kind: "keys.list" };
  }
  if (action === "revoke") {
    const { positionals } = parseOptions(args, {});
    if (positionals.length !== 1) throw new UsageError("keys revoke needs exactly one key id");
    return { kind: "keys.revoke", id: positionals[0]! };
  }
  throw new UsageError(action === undefined ? "keys needs create, list or revoke" : `unknown keys command ${action}`);
}

/** Reads the command line; throws UsageError for anything it does not understand. */
export function parseCommand(argv: string[]): Command {
  const [group, action, ...rest] = argv;
  if (group === "help" || group === "--help" || group === "-h") return { kind: "help" };
  if (group === undefined) throw new UsageError("no command given");
  if (group === "migrate" || group === "demo") {
    if (parseOptions(argv.slice(1), {}).positionals.length) throw new UsageError(`${group} takes no arguments`);
    return { kind: group };
  }
  if (group === "import-xml") return parseImportXml(argv.slice(1));
  if (group === "catalogues") return parseCatalogues(action, rest);
  if (group !== "keys") throw new UsageError(`unknown command ${group}`);
  return parseKeys(action, rest);
}

async function run(
  command: Exclude<Command, { kind: "help" | "import-xml" }>,
  deps: AppDeps,
  applied: string[],
): Promise<unknown> {
  const who = { caller: null, at: deps.clock.now() };
  switch (command.kind) {
    case "migrate":
      return { applied };
    case "demo":
      return runDemo(deps);
    case "keys.create":
      return createKey(deps, command, who);
    case "catalogues.load":
      return runCatalogueLoad(deps, command);
    case "catalogues.reassess":
      // To the end: an operator's run is not bounded like a request's.
      return reassessPending(deps, { maxChunks: Number.POSITIVE_INFINITY });
    case "keys.list": {
      const rows = await deps.db.prisma.apiKey.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      return rows.map(keyView);
    }
    case "keys.revoke": {
      const revoked = await revokeKey(deps, command.id, who);
      if (!revoked) throw new CliError(`no key with id ${command.id}`);
      return revoked;
    }
  }
}

/** The demo, with its progress and what to do next on stderr (stdout stays the JSON result). */
async function runDemo(deps: AppDeps) {
  const result = await loadDemo(deps, (done, total) =>
    process.stderr.write(`\rdemo: loading a year of claims ${Math.round((100 * done) / total)}%`),
  );
  process.stderr.write(
    [
      "",
      `demo: ${result.claims} claims in ${result.batches} batches for ${result.year}.`,
      "Start the server (npm start) and open http://localhost:8787/dashboard; sign in with",
      `  national staff (central):   ${result.keys.central}`,
      `  Hà Nội reviewer (province): ${result.keys.province}`,
      `  Bạch Mai hospital (facility: its workplace and the API): ${result.keys.facility}`,
      "",
    ].join("\n"),
  );
  return result;
}

class CliError extends Error {}

/** One line for the operator: our own errors say what to do; anything else is its first line. */
function describe(err: unknown): string {
  if (err instanceof Problem) {
    const first = err.errors?.[0];
    return first && !err.detail.includes(first.path) ? `${err.detail}: ${first.path}: ${first.message}` : err.detail;
  }
  const known =
    err instanceof ConfigError ||
    err instanceof StartupError ||
    err instanceof DataDirLockedError ||
    err instanceof CliError;
  const message = err instanceof Error ? err.message : String(err);
  return known ? message : (message.split("\n").find((l) => l.trim()) ?? "unexpected error").trim();
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}; ${USAGE}\n`);
    return 2;
  }
  if (command.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === "import-xml") {
    try {
      return await runImportXml(command.options);
    } catch (err) {
      process.stderr.write(`error: ${describe(err)}\n`);
      return 1;
    }
  }
  let opened: { db: Database; release: () => void; applied: string[] } | undefined;
  try {
    const config = loadConfig();
    opened = await openConfiguredDatabase(config);
    // Logs go to stderr so stdout stays the command's JSON.
    const logger = jsonLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, (line) =>
      process.stderr.write(line + "\n"),
    );
    // The rules in force, so what the CLI writes (the demo's alerts) is what the server would have done.
    const deps: AppDeps = { db: opened.db, clock: systemClock, rules: await loadRules(config.RULES_DIR), logger };
    const result = await run(command, deps, opened.applied);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`error: ${describe(err)}\n`);
    return 1;
  } finally {
    if (opened) {
      await opened.db.close().catch(() => {});
      opened.release();
    }
  }
}

// Run only as a program (`npm run cli`), not when a test imports parseCommand.
function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`error: ${describe(err)}\n`);
      process.exit(1);
    },
  );
}
