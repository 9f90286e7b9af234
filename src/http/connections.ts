import type { Server } from "node:http";
import type { Socket } from "node:net";

export interface ConnectionBounds {
  /** Time for a client to send a request's headers. */
  headersTimeoutMs: number;
  /** Time for a whole request, body included (an XML upload of hundreds of MB must fit). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Connections one client address may hold at once; past it, new ones are closed at once. */
  maxConnectionsPerClient: number;
}

/** The options Node's HTTP server takes at creation (its checking interval cannot change later). */
export function serverOptions(bounds: ConnectionBounds) {
  return {
    headersTimeout: bounds.headersTimeoutMs,
    requestTimeout: bounds.requestTimeoutMs,
    keepAliveTimeout: bounds.keepAliveTimeoutMs,
    // Node checks the two timeouts above on this interval: well inside the shorter one.
    connectionsCheckingInterval: Math.min(1_000, bounds.headersTimeoutMs / 2),
  };
}

/**
 * Node only: one address cannot hold more than its share of sockets (slow
 * headers and slow bodies are cut off by Node's own timers, serverOptions). (On Workers, Cloudflare's edge terminates
 * connections and bounds them.)
 */
export function limitConnectionsPerClient(server: Server, bounds: ConnectionBounds): void {
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const client = socket.remoteAddress ?? "unknown";
    const count = (open.get(client) ?? 0) + 1;
    if (count > bounds.maxConnectionsPerClient) {
      socket.destroy();
      return;
    }
    open.set(client, count);
    socket.once("close", () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left <= 0) open.delete(client);
      else open.set(client, left);
    });
  });
}
