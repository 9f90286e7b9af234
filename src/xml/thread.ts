import { parentPort } from "node:worker_threads";
import type { MappedEpisode } from "./map.ts";
import { readEpisodesInThread } from "./read.ts";
import { type FromThread, type ToThread, episodesJson, serializeError } from "./threads-protocol.ts";

/**
 * The worker thread of src/xml/threads.ts: reads and translates envelopes for
 * the main thread, several at once (one job per request). Each job runs the
 * in-thread reader over the body chunks the main thread posts; after each
 * chunk it posts the episodes that chunk completed and the bytes read, which
 * is also the main thread's signal that it may send more (the main thread
 * keeps a bounded window of bytes in flight, so memory stays bounded).
 */

const port = parentPort!;
const post = (message: FromThread) => port.postMessage(message);

/** Body chunks as they arrive, for readEnvelope's `for await`. */
class ChunkQueue implements AsyncIterable<Uint8Array> {
  private chunks: Uint8Array[] = [];
  private ended = false;
  private cancelled: Error | null = null;
  private wake: (() => void) | null = null;

  push(chunk: Uint8Array) {
    this.chunks.push(chunk);
    this.notify();
  }

  end() {
    this.ended = true;
    this.notify();
  }

  cancel() {
    this.cancelled = new Error("cancelled");
    this.notify();
  }

  private notify() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator]() {
    for (;;) {
      if (this.cancelled) throw this.cancelled;
      const next = this.chunks.shift();
      if (next) yield next;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

const jobs = new Map<number, ChunkQueue>();

function start(id: number, message: Extract<ToThread, { type: "start" }>) {
  const queue = new ChunkQueue();
  jobs.set(id, queue);
  let episodes: MappedEpisode[] = [];
  readEpisodesInThread(queue, {
    rules: message.rules,
    limits: message.limits,
    onHeader: (header) => post({ type: "header", id, header }),
    onDeclared: (count) => post({ type: "declared", id, count }),
    onEpisode: (episode) => void episodes.push(episode),
    onBytes: (bytes) => {
      post({ type: "read", id, bytes, episodes: episodesJson(episodes) });
      episodes = [];
    },
  })
    .then(
      (result) => post({ type: "done", id, result, episodes: episodesJson(episodes) }),
      (err: unknown) => post({ type: "error", id, error: serializeError(err), episodes: episodesJson(episodes) }),
    )
    .finally(() => jobs.delete(id));
}

port.on("message", (message: ToThread) => {
  switch (message.type) {
    case "start":
      start(message.id, message);
      break;
    case "chunk":
      jobs.get(message.id)?.push(message.bytes);
      break;
    case "end":
      jobs.get(message.id)?.end();
      break;
    case "cancel":
      jobs.get(message.id)?.cancel();
      break;
  }
});

post({ type: "ready" });
