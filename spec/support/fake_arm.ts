import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { json } from "./entra_reply.js";
import { readFixture } from "./fixtures.js";

/** One request the fake Resource Manager received. */
export interface ArmRequest {
  method: string;
  path: string;
  /** The payload of the bearer token, decoded without checking (the Key Vault fake checks). */
  token?: Record<string, unknown>;
}

/**
 * The smallest Azure Resource Manager `az login` needs: `GET /subscriptions` answered with no
 * subscription (so `--allow-no-subscriptions` makes a tenant-level account) on
 * https://127.0.0.1 with the test CA's server certificate. Anything else is 404.
 */
export class FakeArm {
  readonly requests: ArmRequest[] = [];
  #server!: Server;
  url = "";

  /** Starts it on a random loopback port. */
  static async start(): Promise<FakeArm> {
    const arm = new FakeArm();
    arm.#server = createServer(
      { key: readFixture("tls/server.key"), cert: readFixture("tls/server.pem") },
      (req, res) => arm.#handle(req, res),
    );
    await new Promise<void>((resolve) => arm.#server.listen(0, "127.0.0.1", resolve));
    arm.url = `https://127.0.0.1:${(arm.#server.address() as AddressInfo).port}`;
    return arm;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const path = new URL(req.url ?? "/", this.url).pathname;
    const bearer = /^Bearer ([^.]+)\.([^.]+)\./.exec(req.headers.authorization ?? "");
    const token = bearer
      ? (JSON.parse(Buffer.from(bearer[2]!, "base64url").toString("utf8")) as Record<
          string,
          unknown
        >)
      : undefined;
    this.requests.push({ method: req.method ?? "", path, ...(token ? { token } : {}) });
    if (req.method === "GET" && path === "/subscriptions" && token)
      return json(res, 200, { value: [] });
    json(res, bearer ? 404 : 401, { error: { code: "NotFound", message: `no route ${path}` } });
  }
}
