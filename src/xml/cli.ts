import { createReadStream, type Dirent, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable, Transform } from "node:stream";
import { systemClock } from "../clock.ts";
import { loadConfig } from "../config.ts";
import type { AppDeps } from "../deps.ts";
import { Problem } from "../http/problem.ts";
import { fieldText } from "../http/problem-messages.ts";
import { jsonLogger } from "../logger.ts";
import { toCsv } from "../reports/csv.ts";
import { loadRules } from "../rules/load.ts";
import { openConfiguredDatabase } from "../runtime.ts";
import { type XmlBatchResponse, type XmlProgress, importXml } from "./import.ts";
import { readEnvelope } from "./parse.ts";

/**
 * `npm run cli -- import-xml --facility 01001 PATH...`: sends every envelope
 * found (files, or the .xml files under folders) to a running service
 * (--url, --key) or straight to the database, one file at a time. A progress
 * bar with episodes per second and an ETA goes to stderr when it is a
 * terminal; the rejected episodes, with their reasons, to a CSV file; a JSON
 * summary to stdout. Sending a file again is harmless: its batchId comes from
 * its content, so what was stored replays and a file cut off half-way resumes.
 */
export interface ImportXmlCommand {
  facility: string;
  paths: string[];
  url?: string | undefined;
  key?: string | undefined;
  batchId?: string | undefined;
  /** Where the CSV of rejected episodes goes. */
  rejected: string;
}

interface FileResult {
  path: string;
  status: number;
  response?: XmlBatchResponse;
  problem?: { code: string; detail: string; errors?: { path: string; code: string; message: string }[] };
}

/** The envelopes under the paths: files as named, folders searched for *.xml (in name order). */
export function envelopeFiles(paths: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    const entries: Dirent[] = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /\.xml$/i.test(entry.name)) found.push(path);
    }
  };
  for (const entryPath of paths) {
    const stat = statSync(entryPath, { throwIfNoEntry: false });
    if (!stat) throw new Error(`no such file or folder: ${entryPath}`);
    if (stat.isDirectory()) walk(entryPath);
    else found.push(entryPath);
  }
  return found;
}

/** SOLUONGHOSO of a file, read from its first bytes (null when it does not say). */
async function declaredCount(path: string): Promise<number | null> {
  class Found extends Error {
    constructor(readonly count: number) {
      super("found");
    }
  }
  try {
    await readEnvelope(createReadStream(path), {
      wanted: () => false,
      onDeclared: (count) => {
        throw new Found(count);
      },
      onEpisode: () => {},
    });
  } catch (err) {
    if (err instanceof Found) return err.count;
  }
  return null;
}

/** The progress line: a bar, episodes done of all, episodes per second, the time left. Only drawn on a terminal. */
export class ProgressBar {
  private last = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  static line(done: number, total: number, seconds: number, width = 30, now = ""): string {
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(share * width);
    const rate = seconds > 0 ? done / seconds : 0;
    const left = rate > 0 ? Math.max(0, Math.round((total - done) / rate)) : null;
    const eta = left === null ? "--:--" : `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    const thousands = (x: number) => Math.round(x).toLocaleString("en-US");
    return (
      `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${thousands(done)}/${thousands(total)} episodes  ` +
      `${thousands(rate)}/s  ETA ${eta}${now ? `  ${now}` : ""}`
    );
  }

  update(done: number, note: string, force = false) {
    if (!this.out.isTTY) return;
    const startedAt = Date.now();
    if (!force && startedAt - this.last < 100) return;
    this.last = startedAt;
    this.out.write(
      `\r${ProgressBar.line(done, this.total, (startedAt - this.started) / 1000, this.width, note)}\x1b[K`,
    );
  }

  finish() {
    if (this.out.isTTY) this.out.write("\n");
  }
}

/** Counts the bytes of a file as they go out. */
function counted(path: string, onBytes: (n: number) => void): Readable {
  let bytes = 0;
  return createReadStream(path).pipe(
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        onBytes(bytes);
        done(null, chunk);
      },
    }),
  );
}

async function sendOverHttp(
  cmd: ImportXmlCommand,
  path: string,
  onBytes: (bytes: number) => void,
): Promise<FileResult> {
  const url = new URL("/v1/batches/xml", cmd.url);
  url.searchParams.set("facility", cmd.facility);
  if (cmd.batchId) url.searchParams.set("batchId", cmd.batchId);
  const send = () =>
    fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${cmd.key}`, "content-type": "application/xml" },
      body: Readable.toWeb(counted(path, onBytes)) as ReadableStream,
      duplex: "half",
    } as RequestInit);
  // A kept-alive connection the server has meanwhile closed fails at once; sending again is safe (idempotent by
  // batchId).
  let res: Response;
  try {
    res = await send().catch(send);
  } catch (err) {
    // A server that refuses a file early (another facility's) may close the connection before the upload ends.
    const why = String((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
    return {
      path,
      status: 0,
      problem: {
        code: "connection_closed",
        detail: `the upload did not complete (${why}); the server may have refused the file early`,
      },
    };
  }
  const body = (await res.json()) as XmlBatchResponse & FileResult["problem"];
  return res.status < 300 ? { path, status: res.status, response: body } : { path, status: res.status, problem: body };
}

async function storeDirectly(
  deps: AppDeps,
  cmd: ImportXmlCommand,
  path: string,
  onProgress: (progress: XmlProgress) => void,
): Promise<FileResult> {
  try {
    const { status, response } = await importXml(deps, {
      caller: null,
      facilityCode: cmd.facility,
      batchId: cmd.batchId,
      body: createReadStream(path),
      onProgress,
    });
    return { path, status, response };
  } catch (err) {
    if (!(err instanceof Problem)) throw err;
    return {
      path,
      status: err.status,
      problem: {
        code: err.code,
        detail: err.detail,
        ...(err.errors ? { errors: err.errors.map((error) => fieldText(error, "en")) } : {}),
      },
    };
  }
}

/** The rows of the CSV: every rejected episode, and a row for each file refused whole. */
export function rejectedRows(results: FileResult[]) {
  return results.flatMap((r) =>
    r.response
      ? r.response.errors.map((e) => ({
          file: r.path,
          batchId: r.response!.batchId,
          index: String(e.index),
          claimId: e.claimId ?? "",
          path: e.path,
          code: e.code,
          message: e.message,
        }))
      : (r.problem?.errors?.length
          ? r.problem.errors
          : [{ path: "(file)", code: r.problem?.code ?? String(r.status), message: r.problem?.detail ?? "refused" }]
        ).map((e) => ({
          file: r.path,
          batchId: "",
          index: "",
          claimId: "",
          path: e.path,
          code: e.code,
          message: r.problem?.detail ?? e.message,
        })),
  );
}

const CSV_COLUMNS = (["file", "batchId", "index", "claimId", "path", "code", "message"] as const).map((k) => ({
  header: k,
  value: (r: Record<string, string>) => r[k],
}));

/** With no --url, the files go straight into the configured database (the server stopped, for the embedded one). */
async function openDirect(): Promise<{ deps: AppDeps; close: () => Promise<void> }> {
  const config = loadConfig();
  const opened = await openConfiguredDatabase(config);
  const close = async () => {
    await opened.db.close().catch(() => {});
    opened.release();
  };
  const logger = jsonLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, (line) =>
    process.stderr.write(line + "\n"),
  );
  try {
    return { deps: { db: opened.db, clock: systemClock, rules: await loadRules(config.RULES_DIR), logger }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** What the command prints last: each file's outcome and the totals. */
function summaryOf(cmd: ImportXmlCommand, results: FileResult[]) {
  const sum = (count: (result: XmlBatchResponse) => number) =>
    results.reduce((total, result) => total + (result.response ? count(result.response) : 0), 0);
  return {
    files: results.map((result) =>
      result.response
        ? {
            path: result.path,
            status: result.status,
            batchId: result.response.batchId,
            received: result.response.received,
            accepted: result.response.accepted,
            pendingDocumentation: result.response.pendingDocumentation,
            rejected: result.response.rejected,
            corrected: result.response.corrected,
            unchanged: result.response.unchanged,
            chunks: result.response.chunks.length,
          }
        : {
            path: result.path,
            status: result.status,
            refused: result.problem?.code ?? "error",
            detail: result.problem?.detail ?? "",
          },
    ),
    totals: {
      files: results.length,
      refusedFiles: results.filter((result) => !result.response).length,
      received: sum((response) => response.received),
      accepted: sum((response) => response.accepted),
      pendingDocumentation: sum((response) => response.pendingDocumentation),
      rejected: sum((response) => response.rejected),
    },
    rejectedCsv: resolve(cmd.rejected),
  };
}

/**
 * Runs the command; the exit code is 0 when every file was taken (rejected episodes included), 1 when a file was
 * refused.
 */
export async function runImportXml(cmd: ImportXmlCommand): Promise<number> {
  const files = envelopeFiles(cmd.paths);
  if (files.length === 0) throw new Error("no .xml files found");
  const counts = await Promise.all(files.map(declaredCount));
  const bar = new ProgressBar(counts.reduce<number>((total, count) => total + (count ?? 0), 0));
  const results: FileResult[] = [];
  let done = 0;
  const direct = cmd.url ? null : await openDirect();
  try {
    for (const [index, path] of files.entries()) {
      const expected = counts[index] ?? 0;
      const note = `file ${index + 1}/${files.length}`;
      const size = statSync(path).size;
      const result = direct
        ? // Reading a file is half the work, storing it the other half.
          await storeDirectly(direct.deps, cmd, path, (progress) => {
            const half = progress.phase === "reading" ? progress.read / 2 : (expected + progress.stored) / 2;
            bar.update(done + Math.floor(half), note);
          })
        : await sendOverHttp(cmd, path, (bytes) =>
            bar.update(done + Math.floor((bytes / Math.max(size, 1)) * expected * 0.9), note),
          );
      done += result.response?.received ?? expected;
      bar.update(done, note, true);
      results.push({ ...result, path: resolve(path) });
    }
  } finally {
    bar.finish();
    await direct?.close();
  }
  writeFileSync(cmd.rejected, toCsv(CSV_COLUMNS, rejectedRows(results)));
  process.stdout.write(`${JSON.stringify(summaryOf(cmd, results), null, 2)}\n`);
  return results.every((result) => result.response) ? 0 : 1;
}
