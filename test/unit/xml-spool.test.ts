import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Spool } from "../../src/xml/spool.ts";

const collect = async <T>(spool: Spool<T>) => {
  const out: T[][] = [];
  for await (const chunk of spool.chunks()) out.push(chunk);
  return out;
};

describe("the spool between reading a file and storing it", () => {
  it("keeps a file of exactly one chunk in memory", async () => {
    const spool = new Spool<number>(3);
    for (const n of [1, 2, 3]) await spool.push(n);
    expect(spool.spilledChunks).toBe(0);
    expect(await collect(spool)).toEqual([[1, 2, 3]]);
    await spool.dispose();
  });

  it("writes full chunks to disk once more arrives, and gives everything back in order, a chunk at a time", async () => {
    const spool = new Spool<{ n: number }>(3);
    for (let n = 1; n <= 7; n++) await spool.push({ n });
    // Memory holds at most one chunk: two full chunks are on disk, the seventh item waits in memory.
    expect(spool.spilledChunks).toBe(2);
    expect(spool.count).toBe(7);
    const chunks = await collect(spool);
    expect(chunks.map((c) => c.map((i) => i.n))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    const dir = (spool as unknown as { dir: string }).dir;
    expect(existsSync(dir)).toBe(true);
    await spool.dispose();
    expect(existsSync(dir)).toBe(false);
  });
});
