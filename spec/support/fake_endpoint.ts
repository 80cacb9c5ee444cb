/**
 * A scripted loopback HTTP(S) endpoint standing in for the managed-identity endpoints (IMDS, App
 * Service, Service Fabric, Azure Arc, Azure ML, Cloud Shell) and the Azure Pipelines OIDC service.
 * Each request takes the next scripted reply; a request with no reply left is answered 500 and
 * recorded in `unexpected`, which tests assert empty.
 *
 * @module
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { readFixture } from "./fixtures.js";

/** One request the fake received. */
export interface EndpointRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The raw query string, for order assertions. */
  search: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A scripted answer. `hang` never answers; `reset` drops the connection. */
export type Reply =
  | { status: number; body?: string | object; headers?: Record<string, string> }
  | { hang: true }
  | { reset: true };

/** A scripted answer, or a function of the request that returns one. */
export type Script = Reply | ((request: EndpointRequest) => Reply);

/** A token reply as the managed-identity endpoints send it. */
export function tokenReply(token: string, fields: Record<string, unknown> = {}): Reply {
  const expiresOn = Math.floor(Date.now() / 1000) + 3600;
  return {
    status: 200,
    body: {
      access_token: token,
      expires_on: String(expiresOn),
      resource: "https://vault.azure.net",
      token_type: "Bearer",
      ...fields,
    },
  };
}

/** The scripted endpoint. */
export class FakeEndpoint {
  readonly requests: EndpointRequest[] = [];
  readonly unexpected: string[] = [];
  /** Replies used in order. */
  readonly replies: Script[] = [];
  /** Used when `replies` is empty; none means "unexpected". */
  fallback: Script | undefined;
  readonly #sockets = new Set<Socket>();
  #server!: Server;
  url = "";

  /**
   * Starts a fake on a random 127.0.0.1 port: plain HTTP by default, HTTPS with `tls` (a fixture
   * key and certificate name under `fixtures/tls/`, e.g. `"server"` or `"service_fabric"`).
   */
  static async start(
    options: { tls?: "server" | "service_fabric"; fallback?: Script } = {},
  ): Promise<FakeEndpoint> {
    const fake = new FakeEndpoint();
    fake.fallback = options.fallback;
    const handler = (req: IncomingMessage, res: ServerResponse) => void fake.#handle(req, res);
    fake.#server = options.tls
      ? createHttpsServer(
          {
            key: readFixture(`tls/${options.tls}.key`),
            cert: readFixture(`tls/${options.tls}.pem`),
          },
          handler,
        )
      : createHttpServer(handler);
    fake.#server.on(options.tls ? "secureConnection" : "connection", (socket: Socket) => {
      fake.#sockets.add(socket);
      socket.on("close", () => fake.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    fake.url = `${options.tls ? "https" : "http"}://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Forgets requests and scripted replies. */
  reset(): void {
    this.requests.length = 0;
    this.replies.length = 0;
  }

  /** Stops the server and drops every connection. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request: EndpointRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      search: url.search,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    this.requests.push(request);
    const script = this.replies.shift() ?? this.fallback;
    if (!script) {
      this.unexpected.push(`${request.method} ${request.path}${request.search}`);
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("unexpected request");
      return;
    }
    const reply = typeof script === "function" ? script(request) : script;
    if ("hang" in reply) return;
    if ("reset" in reply) {
      req.socket.destroy();
      return;
    }
    const text =
      typeof reply.body === "string"
        ? reply.body
        : reply.body === undefined
          ? ""
          : JSON.stringify(reply.body);
    const contentType =
      typeof reply.body === "object" ? "application/json; charset=utf-8" : "text/plain";
    res.writeHead(reply.status, {
      "Content-Type": contentType,
      "Content-Length": Buffer.byteLength(text),
      ...reply.headers,
    });
    res.end(text);
  }
}
