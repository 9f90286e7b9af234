import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, killServers, type ServerProcess, startServer, tempDir } from "../support/process.ts";

/** Resolves with the ms until the server closed the socket (or rejects after `ms`). */
function closedWithin(socket: Socket, ms: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

const open = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", () => {});
    socket.once("close", () => reject(new Error("closed on connect")));
  });

const KEY = "connections-central-key-0123456789";

describe("connections are bounded (npm start, Node)", { timeout: 60_000 }, () => {
  const data = tempDir("connections");
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      PORT: String(await freePort()),
      DATA_DIR: data.path,
      HTTP_HEADERS_TIMEOUT_SECONDS: "1",
      HTTP_REQUEST_TIMEOUT_SECONDS: "2",
      MAX_CONNECTIONS_PER_CLIENT: "6",
      BOOTSTRAP_CENTRAL_KEY: KEY,
    });
  });
  afterAll(async () => {
    await killServers();
    data.remove();
  });

  const healthz = async () => {
    const started = Date.now();
    const res = await fetch(`${server.url}/healthz`);
    return { status: res.status, ms: Date.now() - started };
  };

  it("closes a connection whose headers dribble in, and one whose body does, while /healthz keeps answering", async () => {
    const slowHeaders = await open(server.port);
    slowHeaders.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    const slowBody = await open(server.port);
    slowBody.write(
      "POST /dashboard/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
        "Content-Length: 1000\r\n\r\nkey=",
    );
    const dribble = setInterval(() => {
      slowHeaders.write("X: y\r\n");
      slowBody.write("x");
    }, 200);
    try {
      const answered = await healthz();
      expect(answered.status).toBe(200);
      expect(answered.ms).toBeLessThan(1_000);
      expect(await closedWithin(slowHeaders, 4_000)).toBeLessThan(4_000);
      expect(await closedWithin(slowBody, 5_000)).toBeLessThan(5_000);
    } finally {
      clearInterval(dribble);
    }
  });

  it("closes a client's connections past its share at once; others, and later ones, are served", async () => {
    const held = await Promise.all(Array.from({ length: 6 }, () => open(server.port)));
    const extra = connect(server.port, "127.0.0.1");
    extra.on("error", () => {});
    expect(await closedWithin(extra, 1_000)).toBeLessThan(1_000);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await healthz()).status).toBe(200);
  });

  it("a client that drops mid-upload is logged as an abort: not an error, not 'database unavailable'", async () => {
    const uploads = [
      `POST /v1/batches HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"batchId":"x","claims":[`,
      "POST /dashboard/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
        "Content-Length: 100000\r\n\r\nkey=abc",
    ];
    for (const upload of uploads) {
      const socket = await open(server.port);
      socket.write(upload);
      await new Promise((resolve) => setTimeout(resolve, 300));
      socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const log = server
      .output()
      .stdout.split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(log.filter((line) => line.msg === "client aborted")).toHaveLength(2);
    expect(log.filter((line) => line.level === "error" || line.msg === "database unavailable")).toEqual([]);
  });
});
