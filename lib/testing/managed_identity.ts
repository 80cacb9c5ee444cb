/**
 * The emulator's managed-identity endpoint, plain HTTP on loopback as the platforms serve it:
 * App Service style (`GET /msi/token`, `X-IDENTITY-HEADER`, api-version 2019-08-01) and IMDS style
 * (`GET /metadata/identity/oauth2/token`, `Metadata: true`, api-version 2018-02-01), issuing
 * tokens for the registered identities.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { ManagedIdentity } from "./directory.js";
import type { EmulatorCore } from "./emulator_core.js";
import { sendJson } from "./replies.js";

/** The managed-identity endpoint of one emulator. */
export class ManagedIdentityServer {
  /** `http://127.0.0.1:port`. */
  url = "";
  /** The secret App Service style callers send in `X-IDENTITY-HEADER`. */
  readonly identityHeader = randomBytes(16).toString("hex");
  readonly #core: EmulatorCore;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(core: EmulatorCore) {
    this.#core = core;
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  /** Starts the endpoint on a random port of `host`. */
  static async start(core: EmulatorCore, host: string): Promise<ManagedIdentityServer> {
    const server = new ManagedIdentityServer(core);
    await new Promise<void>((resolve, reject) => {
      server.#server.once("error", reject);
      server.#server.listen(0, host, resolve);
    });
    server.url = `http://${host}:${(server.#server.address() as AddressInfo).port}`;
    return server;
  }

  /** Stops the endpoint and drops every connection. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const chunk of req) void chunk;
    const url = new URL(req.url ?? "/", this.url);
    const q = url.searchParams;
    this.#core.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(q),
      headers: req.headers,
      form: {},
      fieldOrder: [],
      body: "",
    });
    const invalid = (description: string, status = 400) =>
      sendJson(res, status, { error: "invalid_request", error_description: description });
    if (req.method !== "GET") return invalid("Only GET is supported.", 405);
    let identity: ManagedIdentity | undefined;
    if (url.pathname === "/msi/token") {
      if (req.headers["x-identity-header"] !== this.identityHeader)
        return invalid("The X-IDENTITY-HEADER header is missing or wrong.", 401);
      if (q.get("api-version") !== "2019-08-01") return invalid("Unsupported api-version.");
      identity = this.#find(q.get("client_id"), q.get("mi_res_id"), q.get("object_id"));
    } else if (url.pathname === "/metadata/identity/oauth2/token") {
      if (req.headers.metadata !== "true") return invalid("Required metadata header not specified");
      if (q.get("api-version") !== "2018-02-01") return invalid("Unsupported api-version.");
      identity = this.#find(q.get("client_id"), q.get("msi_res_id"), q.get("object_id"));
    } else {
      this.#core.unexpected.push(`${req.method} ${url.pathname}`);
      return invalid(`Unknown path ${url.pathname}.`, 404);
    }
    const resource = q.get("resource");
    if (!resource) return invalid("Required query variable 'resource' is missing");
    if (!identity) return invalid("Identity not found");
    const lifetime = 3599;
    const token = this.#core.issueAccessToken({
      tenantId: identity.tenantId,
      audience: resource.replace(/\/\.default$/, ""),
      clientId: identity.clientId,
      objectId: identity.objectId,
      lifetime,
    });
    const now = Math.floor(Date.now() / 1000);
    sendJson(res, 200, {
      access_token: token,
      client_id: identity.clientId,
      expires_in: String(lifetime),
      expires_on: String(now + lifetime),
      not_before: String(now),
      resource,
      token_type: "Bearer",
    });
  }

  #find(
    clientId: string | null,
    resourceId: string | null,
    objectId: string | null,
  ): ManagedIdentity | undefined {
    const all = this.#core.identities;
    if (clientId) return all.find((i) => i.clientId === clientId);
    if (resourceId) return all.find((i) => i.resourceId.toLowerCase() === resourceId.toLowerCase());
    if (objectId) return all.find((i) => i.objectId === objectId);
    return all.find((i) => i.systemAssigned);
  }
}
