import type { Context } from "hono";
import ipaddr from "ipaddr.js";

/** Whether an address lies in one of the CIDR ranges (invalid input: no). */
export function inRanges(address: string, ranges: readonly string[]): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return ranges.some((range) => {
    const [network, bits] = ipaddr.parseCIDR(range);
    return network.kind() === parsed.kind() && parsed.match(network, bits);
  });
}

/**
 * The client a request comes from, for counting failed sign-ins.
 * - Node: the socket's peer; only when that peer is one of the operator's
 *   TRUSTED_PROXIES is X-Forwarded-For read, from its right end, skipping
 *   trusted hops, so a client cannot rotate the header to start afresh.
 * - Workers (no socket): Cloudflare's CF-Connecting-IP, which Cloudflare sets.
 * - Neither (a request made in process): the first X-Forwarded-For hop, else "unknown".
 */
export function clientAddress(ctx: Context, trustedProxies: readonly string[] = []): string {
  const env = ctx.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const peer = env?.incoming?.socket?.remoteAddress;
  const forwarded = (ctx.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  if (peer !== undefined) {
    if (!inRanges(peer, trustedProxies)) return peer;
    const untrusted = [...forwarded].reverse().find((hop) => !inRanges(hop, trustedProxies));
    return (untrusted ?? peer).slice(0, 64);
  }
  const cloudflare = ctx.req.header("cf-connecting-ip");
  return (cloudflare ?? forwarded[0] ?? "unknown").slice(0, 64);
}

/** Over TLS: the URL says https, or a trusted proxy says it received the request so (X-Forwarded-Proto). */
export function arrivedOverTls(ctx: Context, trustedProxies: readonly string[] = []): boolean {
  if (new URL(ctx.req.url).protocol === "https:") return true;
  const env = ctx.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const peer = env?.incoming?.socket?.remoteAddress;
  return peer !== undefined && inRanges(peer, trustedProxies) && ctx.req.header("x-forwarded-proto") === "https";
}
