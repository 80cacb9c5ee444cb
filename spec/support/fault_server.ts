/**
 * A raw-socket loopback server that misbehaves at the wire level (resets, slow drip, endless bodies,
 * huge headers, a certificate the client does not trust, every status class) on the requests a
 * scenario picks, and answers the others with the scenario's well-formed replies. Unlike the
 * `node:http` fakes it writes bytes itself, so it can send what an HTTP server library would refuse.
 *
 * @module
 */
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server,
  type Socket,
} from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { readFixture } from "./fixtures.js";

/** Every misbehaviour the server knows. */
export const WIRE_FAULTS = [
  "refused",
  "reset",
  "reset mid-body",
  "hang",
  "slow drip",
  "endless body",
  "huge headers",
  "not HTTP",
  "untrusted certificate",
  "1xx then reply",
  "200 html",
  "200 truncated",
  "204 empty",
  "302 redirect",
  "307 redirect",
  "400 json",
  "401 empty",
  "404 html",
  "429 retry-after",
  "500 json",
  "503 retry-after huge",
] as const;
export type WireFault = (typeof WIRE_FAULTS)[number];

/** One request as read off the socket. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A well-formed reply. */
export interface RawReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** What a scenario gives the server. */
export interface FaultServerOptions {
  /** HTTPS with the test CA's server certificate (the `untrusted certificate` fault swaps it). */
  tls: boolean;
  /**
   * The certificate served over TLS: the test CA's `server` (default) or the self-signed
   * `service_fabric` one that Service Fabric pins; `untrusted certificate` serves the other.
   */
  certificate?: "server" | "service_fabric";
  fault: WireFault;
  /** Whether the fault applies to this request; the others get `reply`. */
  faulty(request: RawRequest): boolean;
  /** The well-formed answer to a request the fault does not apply to (and after `1xx`). */
  reply(request: RawRequest): RawReply;
}

const REASONS: Record<number, string> = {
  200: "OK",
  204: "No Content",
  302: "Found",
  307: "Temporary Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The bytes of a reply, with `Content-Length` unless headers say otherwise. */
export function wire(reply: RawReply): string {
  const body = reply.body ?? "";
  const headers = {
    "Content-Length": String(Buffer.byteLength(body)),
    Connection: "close",
    ...reply.headers,
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  return `HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? "Status"}\r\n${lines.join("")}\r\n${body}`;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): RawReply => ({
  status,
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** A TCP reset where the socket allows one (plain TCP), else a plain destroy (TLS). */
function reset(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** The fault's answer, written to `socket`; timers are tracked so `close()` can stop them. */
function misbehave(
  server: FaultServer,
  socket: Socket,
  request: RawRequest,
  options: FaultServerOptions,
): void {
  const send = (reply: RawReply): void => void socket.end(wire(reply));
  const good = () => wire(options.reply(request));
  switch (options.fault) {
    case "refused":
    case "untrusted certificate":
      return send(options.reply(request));
    case "reset":
      return reset(socket);
    case "reset mid-body":
      socket.write(
        wire({
          status: 200,
          headers: { "Content-Length": "500", "Content-Type": "application/json" },
        }) + '{"access_token":"abc",',
      );
      return void server.later(() => reset(socket), 20);
    case "hang":
      return;
    case "slow drip": {
      const bytes = Buffer.from(good());
      let at = 0;
      const drip = () => {
        if (socket.destroyed || at >= bytes.length) return void socket.end();
        socket.write(bytes.subarray(at, ++at));
        server.later(drip, 100);
      };
      return drip();
    }
    case "endless body": {
      socket.write(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
      );
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // A few chunks per turn of the event loop, so an endless body does not starve the other fakes.
      const pump = (): void => {
        if (socket.destroyed) return;
        let room = true;
        for (let n = 0; n < 4 && room; n++)
          room = socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
        if (room) server.later(pump, 0);
        else socket.once("drain", pump);
      };
      return pump();
    }
    case "huge headers":
      return send({
        status: 200,
        headers: { "X-Huge": "h".repeat(128 * 1024), "Content-Type": "application/json" },
        body: "{}",
      });
    case "not HTTP":
      return void socket.end("SSH-2.0-OpenSSH_9.6\r\n\0\0\0garbage\r\n\r\n");
    case "1xx then reply":
      return void socket.end(
        `HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n${good()}`,
      );
    case "200 html":
      return send({
        status: 200,
        headers: { "Content-Type": "text/html" },
        body: "<html><body>Captive portal: sign in to the Wi-Fi</body></html>",
      });
    case "200 truncated":
      socket.write(
        wire({
          status: 200,
          headers: { "Content-Length": "400", "Content-Type": "application/json" },
        }) + '{"access_token":"abc","tok',
      );
      return void server.later(() => socket.end(), 10);
    case "204 empty":
      return send({ status: 204 });
    case "302 redirect":
      return send({ status: 302, headers: { Location: "https://attacker.example/steal" } });
    case "307 redirect":
      return send({ status: 307, headers: { Location: `${server.url}/elsewhere` } });
    case "400 json":
      return send(
        json(400, {
          error: "invalid_request",
          error_description: "AADSTS900144: bad request\r\nFORGED log line",
        }),
      );
    case "401 empty":
      return send({ status: 401 });
    case "404 html":
      return send({
        status: 404,
        headers: { "Content-Type": "text/html" },
        body: "<h1>Not Found</h1>",
      });
    case "429 retry-after":
      return send(json(429, { error: "temporarily_unavailable" }, { "Retry-After": "1" }));
    case "500 json":
      return send(json(500, { error: "server_error", error_description: "AADSTS50000: internal" }));
    case "503 retry-after huge":
      return send({ status: 503, headers: { "Retry-After": "9999999999" }, body: "busy" });
  }
}

/** Reads one request (head and `Content-Length` body) and hands it over. */
function readRequests(socket: Socket, onRequest: (request: RawRequest) => void): void {
  let buffered = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [start = "", ...lines] = buffered.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const body = buffered.subarray(end + 4, end + 4 + length).toString("utf8");
      buffered = buffered.subarray(end + 4 + length);
      const [method = "", path = ""] = start.split(" ");
      onRequest({ method, path, headers, body });
    }
  });
  socket.on("error", () => undefined);
}

/** The server. */
export class FaultServer {
  readonly requests: RawRequest[] = [];
  /** Requests the fault applied to. */
  faulted = 0;
  url = "";
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #server!: Server;

  /** Starts a server on a random 127.0.0.1 port; for `refused` its URL names port 1 instead. */
  static async start(options: FaultServerOptions): Promise<FaultServer> {
    const fake = new FaultServer();
    const onSocket = (socket: Socket) => {
      fake.#sockets.add(socket);
      socket.on("close", () => fake.#sockets.delete(socket));
      readRequests(socket, (request) => {
        fake.requests.push(request);
        if (options.faulty(request)) {
          fake.faulted++;
          misbehave(fake, socket, request, options);
        } else socket.end(wire(options.reply(request)));
      });
    };
    const usual = options.certificate ?? "server";
    const other = usual === "server" ? "service_fabric" : "server";
    const name = options.fault === "untrusted certificate" ? other : usual;
    fake.#server = options.tls
      ? createTlsServer(
          { key: readFixture(`tls/${name}.key`), cert: readFixture(`tls/${name}.pem`) },
          onSocket,
        )
      : createNetServer(onSocket);
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    const port = (fake.#server.address() as AddressInfo).port;
    fake.url = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
    // Port 1 (tcpmux) has no listener: a closed server's own port could be handed to the next
    // server started, so "refused" would reach it.
    if (options.fault === "refused") {
      await fake.close();
      fake.url = `${options.tls ? "https" : "http"}://127.0.0.1:1`;
    }
    return fake;
  }

  /** Runs `fn` after `ms` unless the server closed first. */
  later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** Stops the server, its timers and every connection. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const socket of this.#sockets) socket.destroy();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
