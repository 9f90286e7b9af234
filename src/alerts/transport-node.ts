import { lookup } from "node:dns/promises";
import { request } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { WebhookRequest } from "./deliver.ts";

/** Most of an answer's body that is read (then the connection is dropped): receivers are expected to say little. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Every address a name resolves to, as the operating system's resolver answers. */
export async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
}

/**
 * A webhook POST over HTTPS to the address that was checked, not to whatever
 * the name resolves to by the time the socket opens: the connection's lookup
 * is pinned, while TLS still verifies the certificate against the URL's host.
 * No redirect is followed (https.request never does), the whole exchange has
 * the delivery's time limit, and at most 64 KiB of the answer is read.
 * `ca` is for tests with their own certificate authority.
 */
export function pinnedHttpsPost(
  { url, address, headers, body, timeoutMs }: WebhookRequest,
  ca?: string,
): Promise<number> {
  const target = new URL(url);
  const pinned: LookupFunction | undefined = address
    ? (_host, options, callback) => {
        const family = isIP(address);
        if (options.all)
          (callback as (err: null, all: { address: string; family: number }[]) => void)(null, [{ address, family }]);
        else callback(null, address, family);
      }
    : undefined;
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    const req = request(target, {
      method: "POST",
      headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
      ...(pinned ? { lookup: pinned } : {}),
      ...(ca ? { ca } : {}),
      signal,
    });
    req.once("response", (res) => {
      let read = 0;
      res.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      res.once("close", () => resolve(res.statusCode ?? 0));
      res.once("error", () => resolve(res.statusCode ?? 0));
    });
    // Past the time limit the error is the signal's TimeoutError, which the delivery reports as such.
    req.once("error", (err) => reject(signal.aborted ? signal.reason : err));
    req.end(body);
  });
}
