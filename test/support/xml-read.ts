import { expect } from "vitest";
import { Problem } from "../../src/http/problem.ts";
import { type RawEpisode, type ReadOptions, readEnvelope } from "../../src/xml/parse.ts";

/** The body in chunks of `size` bytes, as a request stream delivers it. */
export async function* chunks(body: string | Buffer, size = 64 * 1024) {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/**
 * readEnvelope over the body in chunks of `size`, decoding the summaries (XML1); the result and the episodes handed
 * over.
 */
export async function read(body: string | Buffer, options: Partial<ReadOptions> = {}, size?: number) {
  const episodes: RawEpisode[] = [];
  const result = await readEnvelope(chunks(body, size), {
    wanted: (t) => t === "XML1",
    onEpisode: (e) => void episodes.push(e),
    ...options,
  });
  return { ...result, episodes };
}

/** The Problem an envelope that must be refused is refused with. */
export async function refusal(
  body: string | Buffer,
  options: Partial<ReadOptions> = {},
  size?: number,
): Promise<Problem> {
  try {
    await read(body, options, size);
  } catch (err) {
    expect(err).toBeInstanceOf(Problem);
    return err as Problem;
  }
  throw new Error("expected the envelope to be refused");
}
