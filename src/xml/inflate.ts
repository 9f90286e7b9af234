import { Problem } from "../http/problem.ts";

/**
 * A gzip body inflated as it streams, counted as it goes. Claim files are
 * XML with base64 tables: they inflate a few times over, not hundreds. A body
 * that inflates past `maxRatio` times what has arrived (after the first MiB)
 * is a decompression bomb and stops there with 413, before the reader spends
 * CPU on it; a body that is not gzip, or ends early, is 400 naming the encoding.
 */
export async function* inflateGzip(
  body: ReadableStream<Uint8Array>,
  { maxRatio = 50, allowance = 1024 * 1024 }: { maxRatio?: number; allowance?: number } = {},
): AsyncGenerator<Uint8Array> {
  let compressed = 0;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        compressed += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  const inflated = counted.pipeThrough(
    new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
  let out = 0;
  const reader = inflated.getReader();
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (err) {
        throw new Problem(
          400,
          "invalid_content_encoding",
          `the body is not valid gzip (Content-Encoding: gzip): ${(err as Error).message.slice(0, 120)}`,
        );
      }
      if (step.done) return;
      out += step.value.byteLength;
      if (out > allowance && out > compressed * maxRatio)
        throw new Problem(
          413,
          "compression_ratio_too_high",
          `the body inflates more than ${maxRatio} times over (${out} bytes from ${compressed}); send it uncompressed`,
          undefined,
          undefined,
          { ratio: maxRatio, inflated: out, compressed },
        );
      yield step.value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
