import { createHash, createPublicKey, verify, constants, X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { entraError, json } from "./entra_reply.js";
import { readFixture } from "./fixtures.js";
import { FakeUserFlows, isUserGrant } from "./fake_user_flows.js";

/** An application registered with the fake. */
export interface FakeApp {
  clientId: string;
  tenantId: string;
  secret?: string;
  /** PEM certificates whose keys may sign client assertions. */
  certificates?: string[];
  /** Lifetime of issued tokens, in seconds (default 3599). */
  expiresIn?: number | string;
  refreshIn?: number;
  /** A public client (desktop/CLI app): user flows need no client authentication. */
  publicClient?: boolean;
  /** Registered redirect URIs; `http://localhost…` ones match any port (Entra's loopback rule). */
  redirectUris?: string[];
  /** Tenants besides `tenantId` where the app may get tokens. */
  tenants?: string[];
}

/** A user who may sign in with a password (the ROPC grant). */
export interface FakePasswordUser {
  username: string;
  password: string;
  /** An AADSTS code Entra answers with instead of a token: 50076 (MFA), 50079, 50158. */
  requires?: 50076 | 50079 | 50158;
}

const INTERACTION_REQUIRED: Record<number, string> = {
  50076:
    "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.",
  50079: "The user is required to register for multi-factor authentication.",
  50158: "External security challenge not satisfied. User will be redirected to another page.",
};

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage["headers"];
  form: Record<string, string>;
  /** Form field names in wire order. */
  fieldOrder: string[];
  body: string;
}

/** A scripted misbehaviour for the next token request(s). */
export type Fault =
  | {
      kind: "status";
      status: number;
      body?: string;
      contentType?: string;
      headers?: Record<string, string>;
    }
  | { kind: "html" }
  | { kind: "delay"; ms: number }
  | { kind: "hang" }
  | { kind: "reset" }
  | { kind: "oversized" }
  | { kind: "truncated" }
  | { kind: "redirect"; location: string };

function b64urlJson(part: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * A fake Entra ID token service on https://127.0.0.1, validating requests the way Entra does and
 * answering with Entra's error shapes. Any request it does not expect is answered 404 and recorded
 * in `unexpected`, which tests assert empty at teardown.
 */
export class FakeEntra {
  readonly requests: RecordedRequest[] = [];
  readonly unexpected: string[] = [];
  readonly issuedTokens: string[] = [];
  readonly faults: Fault[] = [];
  /** Hosts instance discovery answers as trusted. */
  readonly trustedHosts = new Set<string>();
  /** Authorization codes, device codes, refresh tokens, users and OBO. */
  readonly users = new FakeUserFlows(this);
  /** Users of the password grant, by user name. */
  readonly passwordUsers = new Map<string, FakePasswordUser>();
  readonly #apps = new Map<string, FakeApp>();
  readonly #usedJti = new Set<string>();
  readonly #sockets = new Set<Socket>();
  #server!: Server;
  url = "";
  /** TCP connections accepted, including those whose TLS handshake the client refused. */
  connections = 0;

  /**
   * Starts a fake on a random loopback port. Its certificate names 127.0.0.1 and localhost, so
   * another loopback address (`127.0.0.2`) makes it a server for the wrong host.
   */
  static async start(host = "127.0.0.1"): Promise<FakeEntra> {
    const fake = new FakeEntra();
    fake.#server = createServer(
      { key: readFixture("tls/server.key"), cert: readFixture("tls/server.pem") },
      (req, res) => fake.#handle(req, res),
    );
    fake.#server.on("secureConnection", (socket: Socket) => {
      fake.#sockets.add(socket);
      socket.on("close", () => fake.#sockets.delete(socket));
    });
    fake.#server.on("connection", () => fake.connections++);
    await new Promise<void>((resolve) => fake.#server.listen(0, host, resolve));
    fake.url = `https://${host}:${(fake.#server.address() as AddressInfo).port}`;
    fake.trustedHosts.add(new URL(fake.url).host);
    return fake;
  }

  /** Registers an application. */
  register(app: FakeApp): void {
    this.#apps.set(app.clientId, app);
  }

  /** The token endpoint for a tenant, exactly as Entra checks `aud` against it. */
  tokenEndpoint(tenantId: string): string {
    return `${this.url}/${tenantId}/oauth2/v2.0/token`;
  }

  /** A registered application. */
  app(clientId: string | undefined): FakeApp | undefined {
    return clientId === undefined ? undefined : this.#apps.get(clientId);
  }

  /** Whether an app may get tokens in a tenant; user flows also accept `common` and `organizations`. */
  tenantAccepts(app: FakeApp, tenantId: string, userFlow: boolean): boolean {
    return (
      tenantId === app.tenantId ||
      (app.tenants ?? []).includes(tenantId) ||
      (userFlow && (tenantId === "common" || tenantId === "organizations"))
    );
  }

  /** Token requests only. */
  get tokenRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith("/oauth2/v2.0/token"));
  }

  /** Stops the server and drops every connection. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const params = new URLSearchParams(body);
    const record: RecordedRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      form: Object.fromEntries(params),
      fieldOrder: [...params.keys()],
      body,
    };
    this.requests.push(record);

    if (req.method === "GET" && url.pathname === "/common/discovery/instance")
      return this.#discovery(url, res);
    const authorize = /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/.exec(url.pathname);
    if (req.method === "GET" && authorize) return this.users.authorize(authorize[1]!, url, res);
    const deviceCode = /^\/([^/]+)\/oauth2\/v2\.0\/devicecode$/.exec(url.pathname);
    if (req.method === "POST" && deviceCode)
      return this.users.deviceCode(deviceCode[1]!, record, res);
    const match = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (req.method !== "POST" || !match) {
      this.unexpected.push(`${req.method} ${url.pathname}`);
      return entraError(
        res,
        404,
        "invalid_request",
        900561,
        `The endpoint only accepts POST requests. Unexpected ${req.method} ${url.pathname}.`,
      );
    }
    const fault = this.faults.shift();
    if (fault && (await this.#applyFault(fault, req, res))) return;
    this.#token(match[1]!, record, req, res);
  }

  #discovery(url: URL, res: ServerResponse): void {
    const endpoint = url.searchParams.get("authorization_endpoint") ?? "";
    let host = "";
    try {
      host = new URL(endpoint).host;
    } catch {
      host = "";
    }
    if (url.searchParams.get("api-version") !== "1.1" || !this.trustedHosts.has(host)) {
      return entraError(res, 400, "invalid_instance", 50049, "Unknown or invalid instance.");
    }
    json(res, 200, {
      tenant_discovery_endpoint: `${endpoint.replace(/oauth2\/v2\.0\/authorize$/, "")}v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [],
    });
  }

  async #applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case "status": {
        const text = fault.body ?? "";
        res.writeHead(fault.status, {
          "Content-Type": fault.contentType ?? "application/json",
          "Content-Length": Buffer.byteLength(text),
          ...fault.headers,
        });
        res.end(text);
        return true;
      }
      case "html": {
        const html =
          "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>Captive portal</body></html>";
        res.writeHead(200, {
          "Content-Type": "text/html; charset=utf-8",
          "Content-Length": Buffer.byteLength(html),
        });
        res.end(html);
        return true;
      }
      case "delay":
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return false;
      case "hang":
        return true;
      case "reset":
        req.socket.destroy();
        return true;
      case "oversized": {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(
          `{"access_token":"${"a".repeat(2 * 1024 * 1024)}","token_type":"Bearer","expires_in":3599}`,
        );
        return true;
      }
      case "truncated": {
        const text = '{"access_token":"abc","token_type":"Bearer","expi';
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": 200 });
        res.write(text);
        setTimeout(() => req.socket.destroy(), 20);
        return true;
      }
      case "redirect":
        res.writeHead(302, { Location: fault.location, "Content-Length": 0 });
        res.end();
        return true;
    }
  }

  #token(
    tenantId: string,
    record: RecordedRequest,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const form = record.form;
    if (
      !String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
    ) {
      return entraError(
        res,
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    }
    if (!form.grant_type)
      return entraError(
        res,
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    const app = form.client_id ? this.#apps.get(form.client_id) : undefined;
    if (!app)
      return entraError(
        res,
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${form.client_id ?? ""}' was not found in the directory.`,
      );
    const userFlow = isUserGrant(form.grant_type) || form.grant_type === "password";
    if (!this.tenantAccepts(app, tenantId, userFlow))
      return entraError(res, 400, "invalid_request", 90002, `Tenant '${tenantId}' not found.`);

    const presentsClientAuth =
      form.client_secret !== undefined || form.client_assertion !== undefined;
    if (presentsClientAuth || !app.publicClient || !userFlow) {
      const authError = this.#checkClientAuth(app, tenantId, form);
      if (authError)
        return entraError(
          res,
          authError.status,
          "invalid_client",
          authError.code,
          authError.description,
        );
    }
    if (form.grant_type === "password") return this.#password(app, tenantId, form, res);
    if (userFlow) return this.users.token(app, tenantId, form, res);
    if (form.grant_type !== "client_credentials") {
      return entraError(
        res,
        400,
        "unsupported_grant_type",
        70003,
        `The app requested an unsupported grant type '${form.grant_type}'.`,
      );
    }
    const scopes = (form.scope ?? "").split(" ").filter(Boolean);
    if (scopes.length !== 1 || !scopes[0]!.endsWith("/.default")) {
      return entraError(
        res,
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${form.scope ?? ""} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    if (form.claims !== undefined) {
      try {
        JSON.parse(form.claims);
      } catch {
        return entraError(
          res,
          400,
          "invalid_request",
          90014,
          "The claims parameter is not valid JSON.",
        );
      }
    }
    const token = `fake-at.${Buffer.from(JSON.stringify({ aud: scopes[0]!.slice(0, -"/.default".length), tid: tenantId, appid: app.clientId, n: this.issuedTokens.length })).toString("base64url")}`;
    this.issuedTokens.push(token);
    const reply: Record<string, unknown> = {
      token_type: "Bearer",
      expires_in: app.expiresIn ?? 3599,
      ext_expires_in: 3599,
      access_token: token,
    };
    if (app.refreshIn !== undefined) reply.refresh_in = app.refreshIn;
    json(res, 200, reply);
  }

  #password(app: FakeApp, tenantId: string, form: Record<string, string>, res: ServerResponse) {
    const user = this.passwordUsers.get(form.username ?? "");
    if (!user || user.password !== form.password) {
      return entraError(
        res,
        400,
        "invalid_grant",
        50126,
        "Error validating credentials due to invalid username or password.",
      );
    }
    if (user.requires) {
      return entraError(
        res,
        400,
        "invalid_grant",
        user.requires,
        INTERACTION_REQUIRED[user.requires]!,
      );
    }
    const token = `fake-at.${Buffer.from(JSON.stringify({ tid: tenantId, appid: app.clientId, upn: user.username, n: this.issuedTokens.length })).toString("base64url")}`;
    this.issuedTokens.push(token);
    json(res, 200, {
      token_type: "Bearer",
      scope: form.scope,
      expires_in: 3599,
      access_token: token,
    });
  }

  #checkClientAuth(
    app: FakeApp,
    tenantId: string,
    form: Record<string, string>,
  ): { status: number; code: number; description: string } | undefined {
    if (form.client_secret !== undefined && form.client_assertion !== undefined) {
      return {
        status: 401,
        code: 700025,
        description: "Client is presenting both a secret and an assertion.",
      };
    }
    if (form.client_secret !== undefined) {
      if (app.secret !== undefined && form.client_secret === app.secret) return undefined;
      return {
        status: 401,
        code: 7000215,
        description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      };
    }
    if (form.client_assertion !== undefined) return this.#checkAssertion(app, tenantId, form);
    return {
      status: 401,
      code: 7000218,
      description:
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    };
  }

  #checkAssertion(
    app: FakeApp,
    tenantId: string,
    form: Record<string, string>,
  ): { status: number; code: number; description: string } | undefined {
    const bad = (code: number, description: string) => ({ status: 401, code, description });
    if (form.client_assertion_type !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
      return bad(700024, "Client assertion type is invalid.");
    }
    const parts = form.client_assertion!.split(".");
    const header = parts.length === 3 ? b64urlJson(parts[0]!) : undefined;
    const payload = parts.length === 3 ? b64urlJson(parts[1]!) : undefined;
    if (!header || !payload) return bad(50027, "JWT token is invalid or malformed.");
    const certs = (app.certificates ?? []).map((pem) => new X509Certificate(pem));
    const alg = header.alg;
    let cert: X509Certificate | undefined;
    if (alg === "RS256" && typeof header.x5t === "string") {
      cert = certs.find((c) => createHash("sha1").update(c.raw).digest("base64url") === header.x5t);
    } else if (alg === "PS256" && typeof header["x5t#S256"] === "string") {
      cert = certs.find(
        (c) => createHash("sha256").update(c.raw).digest("base64url") === header["x5t#S256"],
      );
    } else {
      return bad(
        5002738,
        `Invalid JWT token. '${String(alg)}' is not a supported signature algorithm or the thumbprint header is missing.`,
      );
    }
    if (!cert)
      return bad(
        700027,
        "Client assertion contains an invalid signature. [Reason - The key was not found.]",
      );
    if (header.x5c !== undefined) {
      const chain = header.x5c;
      if (!Array.isArray(chain) || chain[0] !== cert.raw.toString("base64"))
        return bad(700027, "Client assertion x5c does not start with the signing certificate.");
    }
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2]!, "base64url");
    const key = createPublicKey(cert.publicKey.export({ format: "pem", type: "spki" }));
    const ok =
      alg === "RS256"
        ? verify("sha256", signed, key, signature)
        : verify(
            "sha256",
            signed,
            { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
            signature,
          );
    if (!ok)
      return bad(
        700027,
        "Client assertion contains an invalid signature. [Reason - The signature could not be verified.]",
      );
    if (payload.aud !== this.tokenEndpoint(tenantId))
      return bad(
        700021,
        `Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials.`,
      );
    if (payload.iss !== app.clientId || payload.sub !== app.clientId)
      return bad(700023, "Client assertion issuer and subject must be the client id.");
    const now = Date.now() / 1000;
    if (typeof payload.exp !== "number" || payload.exp <= now)
      return bad(700024, "Client assertion is not within its valid time range.");
    if (typeof payload.nbf === "number" && payload.nbf > now + 300)
      return bad(700024, "Client assertion is not within its valid time range.");
    if (typeof payload.jti !== "string" || this.#usedJti.has(payload.jti))
      return bad(700025, "Client assertion has been used before (jti replay).");
    this.#usedJti.add(payload.jti);
    return undefined;
  }
}
