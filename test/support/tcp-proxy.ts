import { type Server, type Socket, createConnection, createServer } from "node:net";

/**
 * A throwaway TCP proxy on loopback between a client (a pg pool) and a server
 * (PostgreSQL): `down()` cuts every connection and refuses new ones, as a
 * database host that went away; `up()` brings it back on the same port.
 * `stall(true)` holds every byte in both directions without closing anything,
 * as a black-holed network; `stall(false)` delivers what was held.
 */
export interface TcpProxy {
  port: number;
  down(): Promise<void>;
  up(): Promise<void>;
  stall(on: boolean): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  let stalled = false;
  const held: { to: Socket; data: Buffer }[] = [];
  const forward = (from: Socket, to: Socket) =>
    from.on("data", (data: Buffer) => (stalled ? held.push({ to, data }) : to.write(data)));

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = createConnection(target);
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on("close", () => sockets.delete(sock));
          sock.on("error", () => {});
        }
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        forward(client, upstream);
        forward(upstream, client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });

  const down = async () => {
    const s = server;
    server = null;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    down,
    up: async () => {
      if (!server) await listen();
    },
    stall: (on) => {
      stalled = on;
      if (!on) for (const { to, data } of held.splice(0)) if (!to.destroyed) to.write(data);
    },
    close: down,
  };
}
