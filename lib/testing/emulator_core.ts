/**
 * The emulator's engine: the HTTPS server, the request record, scripted faults, routing, and the
 * token endpoint (client credentials, password, and the user grants through {@link UserFlows}).
 * The public API in `index.ts` is a thin face over it; the project's own specs reach it through
 * `spec/support`.
 *
 * @module
 */
import { createPrivateKey, createPublicKey, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { issueServerCertificate, type CertifiedKey } from "./certificates.js";
import type { Application, ManagedIdentity, User } from "./directory.js";
import { tenantAccepts } from "./directory.js";
import { checkClientAuth } from "./client_auth.js";
import { EmulatorError } from "./emulator_error.js";
import { sharedCertificateAuthority, sharedKeyPair } from "./key_pool.js";
import { instanceDiscovery, openIdConfiguration } from "./discovery.js";
import { applyFault, type Fault } from "./faults.js";
import { failure, sendFailure, sendJson, unknownTenant, type EntraFailure } from "./replies.js";
import { accessTokenClaims, issuerOf, resourceOf, TokenSigner } from "./tokens.js";
import { isUserGrant, UserFlows, type SignedInUser } from "./user_flows.js";

export type { Fault };

/** One request the emulator received, exactly as sent (secrets included). */
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

/** How the core starts. */
export interface CoreOptions {
  /** The loopback address to listen on. */
  host: string;
  /** Names the server certificate carries besides 127.0.0.1 and localhost. */
  hostnames: string[];
  /** The tenant of applications registered without one. */
  tenantId: string;
  /** `/authorize` shows a sign-in page (true) or redirects at once (false). */
  interactiveSignIn: boolean;
  /** Device codes are approved at once. */
  deviceAutoApprove: boolean;
  /** The CA issuing the server certificate (default: the process's generated CA). */
  certificateAuthority?: CertifiedKey;
  /** The server's private key, PEM (default: the process's generated key). */
  serverKey?: string;
}

/** The public cloud's authority host: clients ask it for instance discovery. */
const ENTRA_PUBLIC_HOST = "login.microsoftonline.com";
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access"]);
const MAX_BODY = 1024 * 1024;
const INTERACTION_REQUIRED: Record<number, string> = {
  50076:
    "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.",
  50079: "The user is required to register for multi-factor authentication.",
  50158: "External security challenge not satisfied. User will be redirected to another page.",
};

/** The emulator's state and server. */
export class EmulatorCore {
  url = "";
  readonly requests: RecordedRequest[] = [];
  /** Requests no route knows, as `METHOD /path`. */
  readonly unexpected: string[] = [];
  /** Every access token issued, in order. */
  readonly issuedTokens: string[] = [];
  /** Faults the next token requests meet, in order. */
  readonly faults: Fault[] = [];
  /** Hosts instance discovery answers as trusted. */
  readonly trustedHosts = new Set<string>();
  readonly applications = new Map<string, Application>();
  /** Users by user name. */
  readonly users = new Map<string, User>();
  readonly identities: ManagedIdentity[] = [];
  readonly flows = new UserFlows(this);
  readonly signer = new TokenSigner(sharedKeyPair("signing"));
  readonly usedJti = new Set<string>();
  readonly tenantId: string;
  /** The names the server certificate carries. */
  readonly hostnames: string[];
  /** The CA the server certificate chains to, PEM. */
  readonly caCertificate: string;
  interactiveSignIn: boolean;
  deviceAutoApprove: boolean;
  /** TCP connections accepted, including those whose TLS handshake the client refused. */
  connections = 0;
  closed = false;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #serverCertificate: CertifiedKey;

  private constructor(options: CoreOptions) {
    this.tenantId = options.tenantId;
    this.interactiveSignIn = options.interactiveSignIn;
    this.deviceAutoApprove = options.deviceAutoApprove;
    const ca = options.certificateAuthority ?? sharedCertificateAuthority();
    this.caCertificate = ca.certificate;
    const names = [...new Set(["127.0.0.1", "localhost", ENTRA_PUBLIC_HOST, ...options.hostnames])];
    this.hostnames = names;
    const serverKey = options.serverKey
      ? {
          privateKey: createPrivateKey(options.serverKey),
          publicKey: createPublicKey(options.serverKey),
        }
      : sharedKeyPair("server");
    this.#serverCertificate = issueServerCertificate(ca, names, serverKey);
    this.#server = createServer(
      {
        key: this.#serverCertificate.privateKey,
        cert: this.#serverCertificate.certificate,
      },
      (req, res) => void this.#handle(req, res),
    );
    this.#server.on("secureConnection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
    this.#server.on("connection", () => this.connections++);
  }

  /**
   * Starts an emulator on a random port of `options.host`.
   *
   * @throws EmulatorError `ERR_EMULATOR_LISTEN` when it cannot listen.
   */
  static async start(options: CoreOptions): Promise<EmulatorCore> {
    const core = new EmulatorCore(options);
    await new Promise<void>((resolve, reject) => {
      core.#server.once("error", (cause) =>
        reject(
          new EmulatorError("ERR_EMULATOR_LISTEN", `cannot listen on ${options.host}.`, { cause }),
        ),
      );
      core.#server.listen(0, options.host, resolve);
    });
    core.url = `https://${options.host}:${(core.#server.address() as AddressInfo).port}`;
    core.trustedHosts.add(new URL(core.url).host);
    const port = new URL(core.url).port;
    for (const name of core.hostnames)
      if (name !== options.host) core.trustedHosts.add(name).add(`${name}:${port}`);
    return core;
  }

  /** The token endpoint of a tenant, as Entra checks a client assertion's `aud` against it. */
  tokenEndpoint(tenantId: string): string {
    return `${this.url}/${tenantId}/oauth2/v2.0/token`;
  }

  /** A registered application. */
  application(clientId: string | undefined): Application | undefined {
    return clientId === undefined ? undefined : this.applications.get(clientId);
  }

  /** Whether a tenant exists: one of a registered app, user or identity, or the default. */
  knownTenant(tenantId: string): boolean {
    if (tenantId === this.tenantId || ["common", "organizations"].includes(tenantId)) return true;
    for (const app of this.applications.values())
      if (app.tenantId === tenantId || app.tenants?.includes(tenantId)) return true;
    for (const user of this.users.values()) if (user.tenantId === tenantId) return true;
    return false;
  }

  /** Stops the server and drops every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        req.socket.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
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
    const route = (pattern: RegExp, method: string) =>
      req.method === method ? url.pathname.match(pattern)?.[1] : undefined;

    if (req.method === "GET" && url.pathname === "/common/discovery/instance")
      return instanceDiscovery(this, url, res);
    const oidcTenant = route(/^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/, "GET");
    if (oidcTenant) return openIdConfiguration(this, oidcTenant, res);
    const keysTenant = route(/^\/([^/]+)\/discovery\/v2\.0\/keys$/, "GET");
    if (keysTenant) return sendJson(res, 200, this.signer.jwks);
    const authorize = url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/authorize$/)?.[1];
    if (authorize && req.method === "GET")
      return this.flows.authorize(authorize, url.searchParams, res, false);
    if (authorize && req.method === "POST")
      return this.flows.authorize(authorize, new URLSearchParams(body), res, true);
    const deviceCode = route(/^\/([^/]+)\/oauth2\/v2\.0\/devicecode$/, "POST");
    if (deviceCode) return this.flows.deviceCode(deviceCode, record.form, res);
    const tokenTenant = route(/^\/([^/]+)\/oauth2\/v2\.0\/token$/, "POST");
    if (!tokenTenant) {
      this.unexpected.push(`${req.method} ${url.pathname}`);
      return sendFailure(
        res,
        failure(
          404,
          "invalid_request",
          900561,
          `The endpoint only accepts POST requests. Unexpected ${req.method} ${url.pathname}.`,
        ),
      );
    }
    const fault = this.faults.shift();
    if (fault && (await applyFault(fault, req, res))) return;
    this.#token(tokenTenant, record, req, res);
  }

  #token(
    tenantId: string,
    record: RecordedRequest,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const form = record.form;
    const missingGrant = failure(
      400,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
    if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"))
      return sendFailure(res, missingGrant);
    if (!form.grant_type) return sendFailure(res, missingGrant);
    if (!this.knownTenant(tenantId)) return sendFailure(res, unknownTenant(tenantId));
    const app = this.application(form.client_id);
    if (!app)
      return sendFailure(
        res,
        failure(
          400,
          "unauthorized_client",
          700016,
          `Application with identifier '${form.client_id ?? ""}' was not found in the directory '${tenantId}'.`,
        ),
      );
    const userFlow = isUserGrant(form.grant_type) || form.grant_type === "password";
    if (!tenantAccepts(app, tenantId, userFlow)) return sendFailure(res, unknownTenant(tenantId));
    const presentsClientAuth =
      form.client_secret !== undefined || form.client_assertion !== undefined;
    if (presentsClientAuth || !app.publicClient || !userFlow) {
      const authFailure = checkClientAuth(app, form, {
        tokenEndpoint: this.tokenEndpoint(tenantId),
        usedJti: this.usedJti,
        nowSeconds: Date.now() / 1000,
      });
      if (authFailure) return sendFailure(res, authFailure);
    }
    const claimsFailure = checkClaims(form.claims);
    if (claimsFailure) return sendFailure(res, claimsFailure);
    if (form.grant_type === "password") return this.#password(app, tenantId, form, res);
    if (userFlow) return this.flows.token(app, tenantId, form, res);
    if (form.grant_type !== "client_credentials")
      return sendFailure(
        res,
        failure(
          400,
          "unsupported_grant_type",
          70003,
          `The app requested an unsupported grant type '${form.grant_type}'.`,
        ),
      );
    const scopes = (form.scope ?? "").split(" ").filter(Boolean);
    if (scopes.length !== 1 || !scopes[0]!.endsWith("/.default"))
      return sendFailure(
        res,
        failure(
          400,
          "invalid_scope",
          1002012,
          `The provided value for scope ${form.scope ?? ""} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        ),
      );
    const lifetime = Number(app.expiresIn ?? 3599);
    const token = this.#issueAccessToken({
      tenantId,
      audience: scopes[0]!.slice(0, -"/.default".length),
      clientId: app.clientId,
      objectId: app.objectId,
      roles: app.roles ?? [],
      claimsRequest: form.claims,
      lifetime: Number.isFinite(lifetime) ? lifetime : 3599,
    });
    const reply: Record<string, unknown> = {
      token_type: "Bearer",
      expires_in: app.expiresIn ?? 3599,
      ext_expires_in: 3599,
      access_token: token,
    };
    if (app.refreshIn !== undefined) reply.refresh_in = app.refreshIn;
    sendJson(res, 200, reply);
  }

  #password(
    app: Application,
    tenantId: string,
    form: Record<string, string>,
    res: ServerResponse,
  ): void {
    const user = this.users.get(form.username ?? "");
    if (!user || user.password === undefined || user.password !== form.password)
      return sendFailure(
        res,
        failure(
          400,
          "invalid_grant",
          50126,
          "Error validating credentials due to invalid username or password.",
        ),
      );
    if (user.requires)
      return sendFailure(
        res,
        failure(400, "invalid_grant", user.requires, INTERACTION_REQUIRED[user.requires]!),
      );
    this.issueUserTokens(
      app,
      tenantId,
      form,
      {
        username: user.username,
        objectId: user.objectId ?? this.flows.user.objectId,
        homeTenantId: user.tenantId ?? "",
      },
      res,
    );
  }

  /** Issues an access token, an ID token and a refresh token to `user`, and answers with them. */
  issueUserTokens(
    app: Application,
    tenantId: string,
    form: Record<string, string>,
    user: SignedInUser,
    res: ServerResponse,
  ): void {
    const scopes = (form.scope ?? "").split(" ").filter((s) => s && !OIDC_SCOPES.has(s));
    if (scopes.length === 0)
      return sendFailure(
        res,
        failure(
          400,
          "invalid_scope",
          70011,
          "The provided request must include a 'scope' input parameter.",
        ),
      );
    const homeTenant = user.homeTenantId || app.tenantId;
    const tid = tenantId === "common" || tenantId === "organizations" ? homeTenant : tenantId;
    const { audience, names } = resourceOf(scopes);
    const lifetime = Number(app.expiresIn ?? 3599);
    const accessToken = this.#issueAccessToken({
      tenantId: tid,
      audience,
      clientId: app.clientId,
      objectId: user.objectId,
      scopes: names.map((n) => (n === ".default" ? "user_impersonation" : n)),
      username: user.username,
      claimsRequest: form.claims,
      lifetime: Number.isFinite(lifetime) ? lifetime : 3599,
    });
    this.flows.userAccessTokens.add(accessToken);
    const now = Math.floor(Date.now() / 1000);
    const idToken = this.signer.sign({
      aud: app.clientId,
      iss: issuerOf(this.url, tid),
      iat: now,
      nbf: now,
      exp: now + 3600,
      tid,
      oid: user.objectId,
      sub: user.objectId,
      preferred_username: user.username,
      name: user.username.split("@")[0],
      ver: "2.0",
      nonce: randomUUID(),
    });
    const reply: Record<string, unknown> = {
      token_type: "Bearer",
      scope: scopes.join(" "),
      expires_in: app.expiresIn ?? 3599,
      ext_expires_in: 3599,
      access_token: accessToken,
      refresh_token: this.flows.newRefreshToken(app.clientId, user),
      id_token: idToken,
      client_info: Buffer.from(JSON.stringify({ uid: user.objectId, utid: homeTenant })).toString(
        "base64url",
      ),
    };
    if (app.refreshIn !== undefined) reply.refresh_in = app.refreshIn;
    sendJson(res, 200, reply);
  }

  /** Signs and records an access token. */
  issueAccessToken(subject: Parameters<typeof accessTokenClaims>[1]): string {
    return this.#issueAccessToken(subject);
  }

  #issueAccessToken(subject: Parameters<typeof accessTokenClaims>[1]): string {
    const token = this.signer.sign(accessTokenClaims(this.url, subject));
    this.issuedTokens.push(token);
    return token;
  }
}

function checkClaims(claims: string | undefined): EntraFailure | undefined {
  if (claims === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(claims);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return undefined;
  } catch {
    // answered below
  }
  return failure(400, "invalid_request", 90014, "The claims parameter is not valid JSON.");
}
