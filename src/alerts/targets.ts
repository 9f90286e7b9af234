import ipaddr from "ipaddr.js";

/**
 * Where an alert webhook may point (OWASP API7, server-side request forgery).
 * A webhook URL is chosen by a province key; without this check it could make
 * the service call loopback, the private network it runs in, or the cloud's
 * metadata address (169.254.169.254) and report what answered. Only global
 * unicast addresses are reachable, unless an operator names private ranges
 * that are legitimate targets (WEBHOOK_ALLOWED_PRIVATE).
 *
 * The check runs at registration and again before every delivery, on every
 * address the name resolves to; the delivery then connects to the address
 * checked (transport-node.ts), so a DNS answer that changes in between cannot
 * swap it. Runtime-neutral: the resolver is passed in.
 */
export interface TargetPolicy {
  /** Every address the name resolves to; [] when this runtime cannot resolve names (Workers). */
  resolve(host: string): Promise<string[]>;
  /** Ranges an operator allows although they are not global unicast, e.g. ["10.20.0.0/16"]. */
  allowed: readonly string[];
}

/** `why` says which kind of refusal `reason` is: this machine, a name that does not resolve, a forbidden address. */
export type TargetCheck =
  | { ok: true; host: string; addresses: string[] }
  | { ok: false; reason: string; host: string; why: "local" | "unresolved" | "address" };

/** Names that mean this machine whatever a resolver says. */
const LOCAL_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/i;

/** A parsed CIDR list; an entry that is not one throws (configuration is checked at start-up). */
export function parseAllowed(ranges: readonly string[]): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return ranges.map((range) => ipaddr.parseCIDR(range));
}

/** Why an address may not be reached, or null when it may. */
export function forbiddenReason(address: string, allowed: readonly string[]): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  for (const [range, bits] of parseAllowed(allowed))
    if (range.kind() === parsed.kind() && parsed.match(range, bits)) return null;
  const kind = parsed.range();
  return kind === "unicast" ? null : `${parsed.toString()} is ${kind}, which webhooks may not reach`;
}

/** The URL's host checked on every address it resolves to. */
export async function checkTarget(policy: TargetPolicy, url: string): Promise<TargetCheck> {
  const { hostname } = new URL(url);
  // URL keeps IPv6 literals in brackets.
  const host = hostname.replace(/^\[(.*)\]$/, "$1");
  if (LOCAL_NAMES.test(host))
    return { ok: false, reason: `${host} is this machine, which webhooks may not reach`, host, why: "local" };
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await policy.resolve(host);
    } catch (err) {
      const code = (err as { code?: string }).code ?? "lookup failed";
      return { ok: false, reason: `${host} does not resolve (${code})`, host, why: "unresolved" };
    }
  }
  for (const address of addresses) {
    const reason = forbiddenReason(address, policy.allowed);
    if (reason) return { ok: false, reason: `${host} resolves to ${reason}`, host, why: "address" };
  }
  return { ok: true, host, addresses };
}

/**
 * The policy where names cannot be resolved (Workers): IP literals and local
 * names are still refused; other names are left to the platform, whose
 * outbound fetch has no route into the deployment's network (docs/api.md).
 */
export const literalOnlyPolicy: TargetPolicy = { resolve: async () => [], allowed: [] };
