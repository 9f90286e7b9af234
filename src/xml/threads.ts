import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ReadResult } from "./parse.ts";
import { type EpisodeReader, readEpisodesInThread } from "./read.ts";
import { Problem } from "../http/problem.ts";
import { type FromThread, type ToThread, deserializeError, fromEpisodesJson } from "./threads-protocol.ts";

/**
 * Node only (src/node.ts starts it and passes its reader as deps.xmlReader;
 * the Worker bundle never reaches this file): reading and translating XML envelopes on worker threads, so the
 * main thread, which stores, only receives the body and takes translated
 * episodes. Measured in one thread, reading costs about as much CPU per
 * episode as storing; on its own thread it runs beside the storing of other
 * files instead of in turn with it.
 *
 * The main thread streams the body's chunks to a worker and keeps at most
 * `windowBytes` of them in flight (the worker acknowledges each chunk once
 * the main thread took the episodes it completed), so memory stays bounded
 * as in-thread. Answers are those of the in-thread reader, which the worker
 * runs: the same episodes in the same order, the same Problem for a file
 * that must be refused (it crosses as its fields). Where a worker cannot be
 * started, the request is read in-thread.
 */
export interface XmlThreadsOptions {
  /** Worker threads; default one fewer than the cores (at least 1, at most 4). */
  size?: number;
  /** Bytes of one body posted to its worker and not yet taken back as episodes. */
  windowBytes?: number;
  /** Told when a worker cannot be started or stops; the request is then read in-thread or fails with a 500. */
  onProblem?: (message: string, err: unknown) => void;
  /** Starts a worker; `real` starts the real one (tests put a broken one in its place). */
  start?: (real: () => Worker) => Worker;
  /**
   * The longest one file may take on its thread, upload included; past it the file fails (413 xml_time_limit)
   * and the thread is replaced, since a thread stuck on one file cannot be trusted with the next. Default 10 min.
   */
  jobTimeoutMs?: number;
}

interface Job {
  handle(message: FromThread): void;
  crash(err: Error): void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
  ready: Promise<void>;
}

// Measured on the XML bench (1,000-episode files of 7.4 MB, 4 clients): 1 MiB 4,900 episodes/s, 4 MiB 5,800, 8 MiB
// 6,300, 16 MiB 6,300.
const DEFAULT_WINDOW = 8 * 1024 * 1024;
const READY_TIMEOUT_MS = 30_000;
const JOB_TIMEOUT_MS = 10 * 60_000;

/**
 * What a worker runs. From the TypeScript sources (tsx, vitest), Node 20
 * gives a worker none of the parent's module hooks, so the worker registers
 * tsx itself before importing its entry.
 */
function workerSource(): string {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = new URL(fromSource ? "./thread.ts" : "./thread.js", import.meta.url).href;
  if (!fromSource) return `import(${JSON.stringify(entry)});`;
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href.replace(/\.cjs$/, ".mjs");
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

export class XmlThreads {
  readonly size: number;
  private readonly windowBytes: number;
  private readonly onProblem: (message: string, err: unknown) => void;
  private readonly start: (real: () => Worker) => Worker;
  private readonly jobTimeoutMs: number;
  private slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: XmlThreadsOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
    this.windowBytes = options.windowBytes ?? DEFAULT_WINDOW;
    this.onProblem = options.onProblem ?? (() => {});
    this.start = options.start ?? ((real) => real());
    this.jobTimeoutMs = options.jobTimeoutMs ?? JOB_TIMEOUT_MS;
  }

  /** Starts the workers now rather than at the first file (a worker takes a few hundred ms to start from source). */
  async warm(): Promise<void> {
    while (this.slots.length < this.size) this.spawn();
    await Promise.all(this.slots.map((s) => s.ready.catch(() => {})));
  }

  /** The EpisodeReader on these threads; in-thread when no worker can be started. */
  readonly read: EpisodeReader = async (source, options) => {
    let slot: Slot;
    try {
      slot = await this.pick();
    } catch (err) {
      this.onProblem("cannot start an XML worker thread; reading in-thread", err);
      return readEpisodesInThread(source, options);
    }
    return this.run(slot, source, options);
  };

  /** Workers started and running. */
  get started(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** The started worker with the fewest jobs, starting one while there are fewer than `size`. */
  private async pick(): Promise<Slot> {
    if (this.closed) throw new Error("the XML worker threads are closed");
    if (this.slots.length < this.size) this.spawn();
    const slots = [...this.slots].sort((a, b) => a.jobs.size - b.jobs.size);
    let last: unknown;
    for (const slot of slots) {
      try {
        await slot.ready;
        return slot;
      } catch (err) {
        last = err;
      }
    }
    throw last ?? new Error("no XML worker thread");
  }

  private spawn(): Slot {
    const worker = this.start(() => new Worker(workerSource(), { eval: true }));
    worker.unref();
    const slot: Slot = { worker, jobs: new Map(), ready: Promise.resolve() };
    const remove = (err: Error) => {
      this.slots = this.slots.filter((s) => s !== slot);
      for (const job of [...slot.jobs.values()]) job.crash(err);
      slot.jobs.clear();
    };
    slot.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error("the XML worker thread did not start in time"));
        void worker.terminate();
      }, READY_TIMEOUT_MS);
      timer.unref();
      worker.on("message", (message: FromThread) => {
        if (message.type === "ready") {
          clearTimeout(timer);
          resolve();
        } else slot.jobs.get(message.id)?.handle(message);
      });
      worker.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
        if (!this.closed) this.onProblem("an XML worker thread failed", err);
        remove(err);
      });
      worker.on("exit", (code) => {
        clearTimeout(timer);
        const err = new Error(`the XML worker thread stopped (exit code ${code})`);
        reject(err);
        remove(err);
      });
    });
    // A slot that failed to start is dropped (above); its rejection is handled by whoever waits on it.
    slot.ready.catch(() => {});
    this.slots.push(slot);
    return slot;
  }

  private run(
    slot: Slot,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: Parameters<EpisodeReader>[1],
  ): Promise<ReadResult> {
    return new Promise<ReadResult>((resolve, reject) => {
      const settled =
        <T>(then: (value: T) => void) =>
        (value: T) => {
          clearTimeout(limit);
          then(value);
        };
      const job = new ThreadJob(slot, this.nextId++, options, this.windowBytes, settled(resolve), settled(reject));
      const limit = setTimeout(() => this.overrun(slot, job), this.jobTimeoutMs);
      limit.unref();
      job.start();
      job.pump(source).catch(job.fail);
    });
  }

  /** A file past its time limit fails, and its thread is replaced: one stuck on a file cannot be trusted with more. */
  private overrun(slot: Slot, job: ThreadJob): void {
    const seconds = Math.round(this.jobTimeoutMs / 1000);
    job.fail(
      new Problem(
        413,
        "xml_time_limit",
        `reading the file took longer than ${seconds} s; send it in smaller files`,
        undefined,
        undefined,
        { seconds },
      ),
    );
    this.onProblem("an XML file passed its time limit; its worker thread is replaced", null);
    // Out of the pool at once, so the next file gets a fresh thread; its other files fail with it.
    this.slots = this.slots.filter((other) => other !== slot);
    void slot.worker.terminate();
  }
}

/**
 * One envelope read on a worker thread: chunks go out, at most `windowBytes` ahead of what the worker has
 * taken, and its messages come back and are handled strictly in order.
 */
class ThreadJob {
  private settled = false;
  private sent = 0;
  private taken = 0;
  private wake: (() => void) | null = null;
  // Messages are taken strictly in order, each after the one before has been handled
  // (onEpisode may wait on the spool): the window only moves once episodes are taken.
  private chain = Promise.resolve();

  constructor(
    private readonly slot: Slot,
    private readonly id: number,
    private readonly options: Parameters<EpisodeReader>[1],
    private readonly windowBytes: number,
    private readonly resolve: (result: ReadResult) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  private post(message: ToThread, transfer?: ArrayBuffer[]): void {
    this.slot.worker.postMessage(message, transfer);
  }

  private poke(): void {
    const wakeUp = this.wake;
    this.wake = null;
    wakeUp?.();
  }

  private finish(): void {
    this.settled = true;
    this.slot.jobs.delete(this.id);
    if (this.slot.jobs.size === 0) this.slot.worker.unref();
    this.poke();
  }

  readonly fail = (err: unknown): void => {
    if (this.settled) return;
    this.finish();
    try {
      this.post({ type: "cancel", id: this.id });
    } catch {
      // The worker is gone: nothing to cancel.
    }
    this.reject(err);
  };

  private async episodes(json: Parameters<typeof fromEpisodesJson>[0]): Promise<void> {
    for (const episode of fromEpisodesJson(json)) await this.options.onEpisode(episode);
  }

  private async handle(message: FromThread): Promise<void> {
    if (this.settled) return;
    switch (message.type) {
      case "header":
        await this.options.onHeader?.(message.header);
        break;
      case "declared":
        await this.options.onDeclared?.(message.count);
        break;
      case "read":
        await this.episodes(message.episodes);
        this.options.onBytes?.(message.bytes);
        this.taken = message.bytes;
        this.poke();
        break;
      case "done":
        await this.episodes(message.episodes);
        this.finish();
        this.resolve(message.result);
        break;
      case "error":
        await this.episodes(message.episodes);
        this.fail(deserializeError(message.error));
        break;
    }
  }

  start(): void {
    this.slot.jobs.set(this.id, {
      handle: (message) => {
        this.chain = this.chain.then(() => this.handle(message)).catch(this.fail);
      },
      crash: this.fail,
    });
    if (this.slot.jobs.size === 1) this.slot.worker.ref();
    this.post({ type: "start", id: this.id, rules: this.options.rules, limits: this.options.limits });
  }

  async pump(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
    for await (const chunk of source) {
      if (this.settled) return;
      // The worker takes a chunk's memory when the chunk is ours and all of its buffer (a request
      // body's chunks are); others are copied: the caller may still use them, or the buffer may hold
      // other data (a Node Buffer from a pool). Measured: copying the body, 7.4 MB per 1,000
      // episodes, cost the main thread about 3 ms of garbage collection.
      const whole =
        this.options.chunksOwned === true &&
        chunk.buffer instanceof ArrayBuffer &&
        chunk.byteOffset === 0 &&
        chunk.byteLength === chunk.buffer.byteLength;
      const bytes = whole ? chunk : new Uint8Array(chunk);
      this.sent += bytes.byteLength;
      this.post({ type: "chunk", id: this.id, bytes }, [bytes.buffer as ArrayBuffer]);
      while (!this.settled && this.sent - this.taken > this.windowBytes)
        await new Promise<void>((wakeUp) => (this.wake = wakeUp));
      if (this.settled) return;
    }
    if (!this.settled) this.post({ type: "end", id: this.id });
  }
}

/**
 * Makes worker threads the default reader of XML envelopes in this process
 * (the Node server). Returns the threads, to close at shutdown.
 */
export function startXmlThreads(options: XmlThreadsOptions = {}): XmlThreads {
  const threads = new XmlThreads(options);
  void threads.warm();
  return threads;
}
