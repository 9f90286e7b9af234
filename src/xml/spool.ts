/**
 * Translated episodes between reading a file and storing it: a file is stored
 * only once all of it was read and found sound, so what was read must wait
 * somewhere. Up to one chunk waits in memory; beyond that whole chunks go to a
 * temporary file (one JSON line per item), so memory stays bounded by the
 * chunk size whatever the file's size.
 */
export class Spool<T> {
  private buffer: T[] = [];
  private file: { dir: string; path: string; chunks: number } | null = null;
  count = 0;

  constructor(private readonly chunkSize: number) {}

  async push(item: T): Promise<void> {
    this.buffer.push(item);
    this.count += 1;
    if (this.buffer.length === this.chunkSize) await this.spill();
  }

  /** The items in order, a chunk at a time. */
  async *chunks(): AsyncGenerator<T[]> {
    if (this.file) {
      const { createReadStream } = await import("node:fs");
      const { createInterface } = await import("node:readline");
      let chunk: T[] = [];
      for await (const line of createInterface({ input: createReadStream(this.file.path, { encoding: "utf8" }), crlfDelay: Infinity })) {
        chunk.push(JSON.parse(line) as T);
        if (chunk.length === this.chunkSize) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length) yield chunk;
    }
    if (this.buffer.length) yield this.buffer;
  }

  /** Removes the temporary file, if any. */
  async dispose(): Promise<void> {
    if (!this.file) return;
    const { rm } = await import("node:fs/promises");
    await rm(this.file.dir, { recursive: true, force: true });
    this.file = null;
  }

  private async spill() {
    // node:fs only here: files of one chunk (and the Worker's small bodies) never touch a disk.
    const { appendFile, mkdtemp } = await import("node:fs/promises");
    if (!this.file) {
      const { tmpdir } = await import("node:os");
      const { join } = await import("node:path");
      const dir = await mkdtemp(join(tmpdir(), "bhyt-xml-"));
      this.file = { dir, path: join(dir, "episodes.ndjson"), chunks: 0 };
    }
    await appendFile(this.file.path, this.buffer.map((item) => JSON.stringify(item)).join("\n") + "\n");
    this.file.chunks += 1;
    this.buffer = [];
  }
}
