/**
 * `entra-zero/testing`: a local Microsoft Entra ID emulator for tests. HTTPS on loopback with a
 * CA and server certificate made at start-up, Entra's validation rules and error shapes, real
 * RS256 JWT access tokens published through OIDC discovery and JWKS, a managed-identity endpoint,
 * and fault injection. Not reachable from `import "entra-zero"`.
 *
 * Usage: start it, register an application, hand `credentialOptions()` to a credential, and
 * `close()` it; the README's "Testing your code" section has a complete example.
 *
 * @module
 */
import { randomUUID, type JsonWebKey } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  newApplication,
  newManagedIdentity,
  newUser,
  checkTenantId,
  type ApplicationOptions,
  type FederatedCredential,
  type ManagedIdentityOptions,
  type UserOptions,
} from "./directory.js";
import { EmulatorCore, type RecordedRequest } from "./emulator_core.js";
import { EmulatorError } from "./emulator_error.js";
import { ManagedIdentityServer } from "./managed_identity.js";
import { RoutingProxy } from "./routing_proxy.js";
import { entraErrorBody, failure } from "./replies.js";

export { EmulatorError, type EmulatorErrorCode } from "./emulator_error.js";
export { createClientCertificate, type CertifiedKey } from "./certificates.js";
export { createPkcs12 } from "./pkcs12_writer.js";
export type { ApplicationOptions, FederatedCredential, ManagedIdentityOptions, UserOptions };

/** Options of {@link startEntraEmulator}; all optional. */
export interface EntraEmulatorOptions {
  /** The tenant of applications and users registered without one (default: a new GUID). */
  tenantId?: string;
  /** The port of the HTTPS server on 127.0.0.1 (default 0: a free one, so emulators never collide). */
  port?: number;
  /** Host names the server certificate names besides 127.0.0.1, localhost and login.microsoftonline.com (always named). */
  hostnames?: string[];
  /** `/authorize` shows a sign-in page a browser submits (default), or redirects at once with a code (`false`). */
  interactiveSignIn?: boolean;
  /** Device codes are approved as soon as they are issued (default `true`); else call `approveDeviceCode`. */
  autoApproveDeviceCodes?: boolean;
  /** How long an authorization code may wait to be redeemed, in milliseconds (default 600 000, as Entra). */
  authorizationCodeLifetimeMs?: number;
  /** A CA (PEM certificate and private key) to issue the server certificate instead of the generated one. */
  certificateAuthority?: { certificate: string; privateKey: string };
}

/** An application as registered: the ids and the secret to configure a credential with. */
export interface RegisteredApplication {
  tenantId: string;
  clientId: string;
  /** The client secret, when one was registered. */
  clientSecret?: string;
  /** The object id of the app's service principal (`oid` of its app-only tokens). */
  objectId: string;
}

/** A user as registered. */
export interface RegisteredUser {
  username: string;
  password?: string;
  objectId: string;
  tenantId: string;
}

/** A managed identity as registered. */
export interface RegisteredManagedIdentity {
  tenantId: string;
  clientId: string;
  objectId: string;
  resourceId: string;
  systemAssigned: boolean;
}

/** A request the emulator received; secrets (client secrets, assertions, codes, passwords, tokens) are redacted. */
export interface EmulatorRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The form fields of a POST, in wire order. */
  form: Record<string, string>;
}

/** What the next token request meets instead of the normal answer. */
export interface FailNextOptions {
  /** Answer with this HTTP status (with Entra's error body unless `body` is given). */
  status?: number;
  /** The body to answer with (a string as is, anything else as JSON). */
  body?: unknown;
  /** A `Retry-After` header, in seconds. */
  retryAfter?: number;
  /** Wait this long before answering (alone: then answer normally). */
  delayMs?: number;
  /** Drop the connection without an answer. */
  reset?: boolean;
  /** How many token requests meet this fault (default 1). */
  times?: number;
}

/** What `credentialOptions()` returns: the options a credential needs to use the emulator. */
export interface EmulatorCredentialOptions {
  authorityHost: string;
  disableInstanceDiscovery: true;
  tlsOptions: { ca: string };
}

/** A running emulator. */
export interface EntraEmulator {
  /** `https://127.0.0.1:<port>`: the authority host to configure credentials with. */
  readonly authorityHost: string;
  /** The default tenant. */
  readonly tenantId: string;
  /** The CA certificate (PEM) the server certificate chains to: trust it, and only in tests. */
  readonly caCertificate: string;
  /** The path of a file holding {@link caCertificate}, for `NODE_EXTRA_CA_CERTS` of child processes. */
  readonly caCertificatePath: string;
  /** The App Service style managed-identity endpoint (`IDENTITY_ENDPOINT`), plain HTTP on loopback. */
  readonly managedIdentityEndpoint: string;
  /** The secret of `IDENTITY_HEADER`. */
  readonly managedIdentityHeader: string;
  /** The IMDS style host (`AZURE_POD_IDENTITY_AUTHORITY_HOST`), serving `/metadata/identity/oauth2/token`. */
  readonly imdsEndpoint: string;
  /**
   * An HTTP CONNECT proxy (`http://127.0.0.1:<port>`) that tunnels `login.microsoftonline.com` and
   * the other `hostnames` to the emulator and refuses every other host: set it as `HTTPS_PROXY`
   * of a client that asks the public cloud for instance discovery (a child process, the Azure CLI).
   */
  readonly httpsProxy: string;
  /** The requests received so far, secrets redacted (a fresh copy on each read). */
  readonly requests: readonly EmulatorRequest[];
  /** The JSON Web Key Set that verifies the tokens it issues (also served at `<tenant>/discovery/v2.0/keys`). */
  readonly jwks: { keys: JsonWebKey[] };
  /** Options for a credential: `authorityHost`, `disableInstanceDiscovery: true`, `tlsOptions.ca`. */
  credentialOptions(): EmulatorCredentialOptions;
  /**
   * Environment variables for `EnvironmentCredential`/`DefaultAzureCredential` in a child process:
   * authority host, tenant, the app's id and secret (the last registered app by default), the
   * managed-identity endpoint, `NODE_EXTRA_CA_CERTS`, and `HTTPS_PROXY` (with `NO_PROXY` for
   * loopback) so instance discovery at `login.microsoftonline.com` reaches the emulator.
   */
  env(app?: RegisteredApplication): Record<string, string>;
  /**
   * Registers an application.
   *
   * @throws EmulatorError `ERR_EMULATOR_ARGUMENT` for a bad option, `ERR_EMULATOR_DUPLICATE` for a
   *   client id already registered, `ERR_EMULATOR_CLOSED` after `close()`.
   */
  registerApplication(options?: ApplicationOptions): RegisteredApplication;
  /**
   * Registers a user; the first one registered signs in at `/authorize` and for device codes.
   *
   * @throws EmulatorError `ERR_EMULATOR_ARGUMENT`, `ERR_EMULATOR_DUPLICATE`, `ERR_EMULATOR_CLOSED`.
   */
  registerUser(options: UserOptions): RegisteredUser;
  /**
   * Registers a managed identity; the first one is the system-assigned identity unless told.
   *
   * @throws EmulatorError `ERR_EMULATOR_ARGUMENT`, `ERR_EMULATOR_DUPLICATE`, `ERR_EMULATOR_CLOSED`.
   */
  registerManagedIdentity(options?: ManagedIdentityOptions): RegisteredManagedIdentity;
  /** Approves (or declines) the pending device sign-in showing `userCode`. */
  approveDeviceCode(userCode: string, approve?: boolean): void;
  /**
   * Makes the next token request(s) fail: a status (with Entra's error body), a delay, or a reset.
   *
   * @throws EmulatorError `ERR_EMULATOR_ARGUMENT` for a bad option.
   */
  failNext(options: FailNextOptions): void;
  /** Stops both servers and drops every connection; later requests are refused. Idempotent. */
  close(): Promise<void>;
}

const REDACTED = "[REDACTED]";
const SECRET_FIELDS = new Set([
  "client_secret",
  "client_assertion",
  "assertion",
  "password",
  "code",
  "code_verifier",
  "refresh_token",
  "device_code",
]);
const SECRET_HEADERS = new Set(["authorization", "x-identity-header", "secret", "cookie"]);

function redactRecord(record: RecordedRequest): EmulatorRequest {
  const hide = (fields: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? REDACTED : v]),
    );
  return {
    method: record.method,
    path: record.path,
    query: hide(record.query),
    headers: Object.fromEntries(
      Object.entries(record.headers).map(([k, v]) => [k, SECRET_HEADERS.has(k) ? REDACTED : v]),
    ),
    form: hide(record.form),
  };
}

function checkFailNext(options: unknown): FailNextOptions {
  const bad = (message: string) => new EmulatorError("ERR_EMULATOR_ARGUMENT", message);
  if (typeof options !== "object" || options === null)
    throw bad("failNext expects an options object.");
  const o = options as FailNextOptions;
  if (o.status !== undefined && !(Number.isInteger(o.status) && o.status >= 200 && o.status <= 599))
    throw bad(`"status" must be an HTTP status code (200-599).`);
  if (o.retryAfter !== undefined && !(Number.isInteger(o.retryAfter) && o.retryAfter >= 0))
    throw bad(`"retryAfter" must be a whole number of seconds.`);
  if (o.delayMs !== undefined && !(Number.isFinite(o.delayMs) && o.delayMs >= 0))
    throw bad(`"delayMs" must be a number of milliseconds.`);
  if (o.times !== undefined && !(Number.isInteger(o.times) && o.times >= 1))
    throw bad(`"times" must be a positive integer.`);
  if (o.status === undefined && o.delayMs === undefined && !o.reset)
    throw bad("failNext needs a status, a delayMs or reset: true.");
  return o;
}

/**
 * Starts a local Entra ID emulator on a random port of 127.0.0.1.
 *
 * @param options - see {@link EntraEmulatorOptions}.
 * @returns the running emulator; call `close()` when done.
 * @throws EmulatorError `ERR_EMULATOR_ARGUMENT` for a bad option, `ERR_EMULATOR_LISTEN` when it cannot listen.
 */
export async function startEntraEmulator(
  options: EntraEmulatorOptions = {},
): Promise<EntraEmulator> {
  if (typeof options !== "object" || options === null)
    throw new EmulatorError(
      "ERR_EMULATOR_ARGUMENT",
      "startEntraEmulator expects an options object.",
    );
  checkTenantId(options.tenantId);
  const hostnames = options.hostnames ?? [];
  if (
    !Array.isArray(hostnames) ||
    hostnames.some((h) => typeof h !== "string" || !/^[A-Za-z0-9.-]+$/.test(h))
  )
    throw new EmulatorError("ERR_EMULATOR_ARGUMENT", `"hostnames" must be an array of host names.`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new EmulatorError("ERR_EMULATOR_ARGUMENT", `"port" must be an integer from 0 to 65535.`);
  const codeLifetime = options.authorizationCodeLifetimeMs;
  if (codeLifetime !== undefined && !(Number.isFinite(codeLifetime) && codeLifetime > 0))
    throw new EmulatorError(
      "ERR_EMULATOR_ARGUMENT",
      `"authorizationCodeLifetimeMs" must be a positive number of milliseconds.`,
    );
  const core = await EmulatorCore.start({
    host: "127.0.0.1",
    port,
    hostnames,
    tenantId: options.tenantId ?? randomUUID(),
    interactiveSignIn: options.interactiveSignIn ?? true,
    deviceAutoApprove: options.autoApproveDeviceCodes ?? true,
    ...(options.certificateAuthority ? { certificateAuthority: options.certificateAuthority } : {}),
  });
  if (codeLifetime !== undefined) core.flows.codeLifetimeMs = codeLifetime;
  const mi = await ManagedIdentityServer.start(core, "127.0.0.1");
  const listening = Number(new URL(core.url).port);
  const routes = new Set<string>();
  for (const name of core.hostnames) {
    routes.add(`${name.toLowerCase()}:${listening}`);
    if (name !== "127.0.0.1" && name !== "localhost") routes.add(`${name.toLowerCase()}:443`);
  }
  const proxy = await RoutingProxy.start(routes, { host: "127.0.0.1", port: listening });
  const dir = mkdtempSync(join(tmpdir(), "entra-zero-emulator-"));
  const caCertificatePath = join(dir, "ca.pem");
  writeFileSync(caCertificatePath, core.caCertificate);
  let lastApp: RegisteredApplication | undefined;
  const open = () => {
    if (core.closed)
      throw new EmulatorError("ERR_EMULATOR_CLOSED", "the emulator is closed; start a new one.");
  };
  const duplicate = (what: string, id: string) =>
    new EmulatorError("ERR_EMULATOR_DUPLICATE", `${what} "${id}" is already registered.`);

  return {
    authorityHost: core.url,
    tenantId: core.tenantId,
    caCertificate: core.caCertificate,
    caCertificatePath,
    managedIdentityEndpoint: `${mi.url}/msi/token`,
    managedIdentityHeader: mi.identityHeader,
    imdsEndpoint: mi.url,
    httpsProxy: proxy.url,
    get requests() {
      return core.requests.map(redactRecord);
    },
    jwks: core.signer.jwks as { keys: JsonWebKey[] },
    credentialOptions: () => ({
      authorityHost: core.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: core.caCertificate },
    }),
    env(app = lastApp) {
      return {
        AZURE_AUTHORITY_HOST: core.url,
        AZURE_TENANT_ID: app?.tenantId ?? core.tenantId,
        ...(app ? { AZURE_CLIENT_ID: app.clientId } : {}),
        ...(app?.clientSecret ? { AZURE_CLIENT_SECRET: app.clientSecret } : {}),
        IDENTITY_ENDPOINT: `${mi.url}/msi/token`,
        IDENTITY_HEADER: mi.identityHeader,
        NODE_EXTRA_CA_CERTS: caCertificatePath,
        HTTPS_PROXY: proxy.url,
        NO_PROXY: "127.0.0.1,localhost",
      };
    },
    registerApplication(registration) {
      open();
      const app = newApplication(registration, core.tenantId);
      if (core.applications.has(app.clientId)) throw duplicate("the client id", app.clientId);
      core.applications.set(app.clientId, app);
      lastApp = {
        tenantId: app.tenantId,
        clientId: app.clientId,
        objectId: app.objectId,
        ...(app.clientSecret !== undefined ? { clientSecret: app.clientSecret } : {}),
      };
      return lastApp;
    },
    registerUser(registration) {
      open();
      const user = newUser(registration, core.tenantId);
      if (core.users.has(user.username)) throw duplicate("the user", user.username);
      if (core.users.size === 0)
        core.flows.user = {
          username: user.username,
          objectId: user.objectId,
          homeTenantId: user.tenantId,
        };
      core.users.set(user.username, user);
      return {
        username: user.username,
        objectId: user.objectId,
        tenantId: user.tenantId,
        ...(user.password !== undefined ? { password: user.password } : {}),
      };
    },
    registerManagedIdentity(registration) {
      open();
      const identity = newManagedIdentity(
        registration,
        core.tenantId,
        core.identities.length === 0,
      );
      if (core.identities.some((i) => i.clientId === identity.clientId))
        throw duplicate("the managed identity", identity.clientId);
      if (identity.systemAssigned) for (const i of core.identities) i.systemAssigned = false;
      core.identities.push(identity);
      return { ...identity };
    },
    approveDeviceCode(userCode, approve = true) {
      core.flows.completeDeviceSignIn(userCode, approve);
    },
    failNext(fault) {
      const o = checkFailNext(fault);
      for (let i = 0; i < (o.times ?? 1); i++) {
        if (o.reset) {
          if (o.delayMs) core.faults.push({ kind: "delay", ms: o.delayMs });
          core.faults.push({ kind: "reset" });
          continue;
        }
        if (o.status === undefined) {
          core.faults.push({ kind: "delay", ms: o.delayMs! });
          continue;
        }
        const status = o.status;
        const body =
          o.body === undefined
            ? JSON.stringify(
                entraErrorBody(
                  status === 429
                    ? failure(
                        429,
                        "temporarily_unavailable",
                        50196,
                        "The server is throttling this client; retry later.",
                      )
                    : failure(
                        status,
                        status >= 500 ? "temporarily_unavailable" : "invalid_request",
                        status >= 500 ? 90033 : 90014,
                        `Injected failure with status ${status}.`,
                      ),
                ),
              )
            : typeof o.body === "string"
              ? o.body
              : JSON.stringify(o.body);
        core.faults.push({
          kind: "status",
          status,
          body,
          ...(o.delayMs ? { delayMs: o.delayMs } : {}),
          ...(o.retryAfter !== undefined
            ? { headers: { "Retry-After": String(o.retryAfter) } }
            : {}),
        });
      }
    },
    async close() {
      await Promise.all([core.close(), mi.close(), proxy.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
