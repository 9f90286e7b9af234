/**
 * Translated episodes between reading a file and storing it: a file is stored
 * only once all of it was read and found sound, so what was read must wait
 * somewhere. Up to one chunk waits in memory; a full chunk goes to a
 * temporary file (its items as one JSON array) only when an item beyond it
 * arrives, so memory stays bounded by the chunk size whatever the file's
 * size, and a file of one chunk (the common case) never touches the disk.
 * Each spilled chunk is a file of its own, read back whole when its turn
 * comes (a line reader would read ahead).
 */
export class Spool<T> {
  private buffer: T[] = [];
  private dir: string | null = null;
  private spilled = 0;
  count = 0;

  constructor(private readonly chunkSize: number) {}

  async push(item: T): Promise<void> {
    if (this.buffer.length === this.chunkSize) await this.spill();
    this.buffer.push(item);
    this.count += 1;
  }

  /** Chunks written to disk so far. */
  get spilledChunks(): number {
    return this.spilled;
  }

  /** The items in order, a chunk at a time. */
  async *chunks(): AsyncGenerator<T[]> {
    if (this.dir) {
      const { readFile } = await import("node:fs/promises");
      const { join } = await import("node:path");
      for (let chunkIndex = 0; chunkIndex < this.spilled; chunkIndex++)
        yield JSON.parse(await readFile(join(this.dir, `${chunkIndex}.json`), "utf8")) as T[];
    }
    if (this.buffer.length) yield this.buffer;
  }

  /** Removes the temporary files, if any. */
  async dispose(): Promise<void> {
    if (!this.dir) return;
    const { rm } = await import("node:fs/promises");
    await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  private async spill() {
    // node:fs only here: files of one chunk (and the Worker's small bodies) never touch a disk.
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    if (!this.dir) {
      const { tmpdir } = await import("node:os");
      this.dir = await mkdtemp(join(tmpdir(), "bhyt-xml-"));
    }
    await writeFile(join(this.dir, `${this.spilled}.json`), JSON.stringify(this.buffer));
    this.spilled += 1;
    this.buffer = [];
  }
}
