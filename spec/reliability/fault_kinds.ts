/**
 * The endpoint kinds of the faults suite: for each, which request the fault hits, the well-formed
 * replies around it, and how a credential asks (run in a child process by fault_child.ts).
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AccessToken } from "../../lib/types.js";
import type { RawReply, RawRequest } from "../support/fault_server.js";
import { federatedToken } from "../support/federated_token.js";
import { TEST_TLS, readFixture } from "../support/fixtures.js";
import {
  ClientSecretCredential,
  DeviceCodeCredential,
  ManagedIdentityCredential,
  AzurePipelinesCredential,
} from "../support/package.js";

export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const CLIENT = "0b7c5e1a-0000-4000-8000-00000000fa17";
export const SECRET = "fault-suite-secret-0123456789";
export const CONNECTION = "5d2a1c3b-0000-4000-8000-00000000c0de";
export const SYSTEM_TOKEN = "fault-suite-system-token-abcdef";
export const IDENTITY_HEADER = "fault-suite-identity-header-9876";

/** `requestOptions.timeout` of every call. */
export const TIMEOUT_MS = 1000;
/** Retries of every credential: few and quick, so a retried fault stays inside the bound. */
export const RETRY = { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 200 };
/** The longest a call may take: every attempt timing out, plus retry waits and slack. */
export const CALL_BOUND_MS = (RETRY.maxRetries + 1) * TIMEOUT_MS + 2500;

/** What a child needs besides the fault server's URL. */
export interface Context {
  /** The fake Entra (HTTPS) for the steps that are not under fault. */
  entraUrl: string;
  /** A directory holding the Arc key file `agent.key`. */
  keyDir: string;
}

/** One endpoint kind. */
export interface EndpointKind {
  name: string;
  /** Whether the endpoint under fault speaks HTTPS. */
  tls: boolean;
  /** The certificate it serves (default the test CA's `server`). */
  certificate?: "server" | "service_fabric";
  /** Codes this kind gives instead of the suite's usual ones. */
  expected?: Record<string, string>;
  /** Whether the fault applies to this request. */
  faulty(request: RawRequest): boolean;
  /** Well-formed replies (computed in the parent, which hosts the server). */
  reply(request: RawRequest, context: Context): RawReply;
  /** Gets one token with `signal` and the timeout; closes the credential whatever happens. */
  run(url: string, context: Context, signal: AbortSignal): Promise<AccessToken>;
}

const json = (body: unknown): RawReply => ({
  status: 200,
  headers: { "Content-Type": "application/json; charset=utf-8" },
  body: JSON.stringify(body),
});
const entraToken = () =>
  json({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: "fault-at" });
const miToken = () =>
  json({
    access_token: "fault-mi-at",
    expires_on: String(Math.floor(Date.now() / 1000) + 3600),
    resource: "https://vault.azure.net",
    token_type: "Bearer",
  });

const SCOPE = "https://vault.azure.net/.default";
const getOptions = (signal: AbortSignal) => ({
  abortSignal: signal,
  requestOptions: { timeout: TIMEOUT_MS },
});

async function using<C extends { close(): Promise<void> | void; getToken: Function }>(
  credential: C,
  call: (c: C) => Promise<AccessToken>,
): Promise<AccessToken> {
  try {
    return await call(credential);
  } finally {
    await credential.close();
  }
}

function mi(env: NodeJS.ProcessEnv, extra: Record<string, unknown> = {}) {
  return new ManagedIdentityCredential({ env, retryOptions: RETRY, ...extra } as object);
}

/** Every endpoint kind reachable on loopback. */
export const ENDPOINT_KINDS: EndpointKind[] = [
  {
    name: "token endpoint (client secret)",
    tls: true,
    faulty: () => true,
    reply: () => entraToken(),
    run: (url, _c, signal) =>
      using(
        new ClientSecretCredential(TENANT, CLIENT, SECRET, {
          authorityHost: url,
          disableInstanceDiscovery: true,
          tlsOptions: TEST_TLS,
          retryOptions: RETRY,
        }),
        (c) => c.getToken(SCOPE, getOptions(signal)),
      ),
  },
  {
    name: "instance discovery",
    tls: true,
    faulty: (r) => r.path.startsWith("/common/discovery/instance"),
    reply: (r, c) =>
      r.path.startsWith("/common/discovery/instance")
        ? json({
            tenant_discovery_endpoint: `${c.entraUrl}/${TENANT}/v2.0/.well-known/openid-configuration`,
            "api-version": "1.1",
            metadata: [],
          })
        : entraToken(),
    run: (url, c, signal) =>
      using(
        new ClientSecretCredential(TENANT, CLIENT, SECRET, {
          authorityHost: c.entraUrl,
          instanceDiscoveryHost: url,
          tlsOptions: TEST_TLS,
          retryOptions: RETRY,
        } as object),
        (cred) => cred.getToken(SCOPE, getOptions(signal)),
      ),
  },
  {
    name: "device code endpoint",
    tls: true,
    faulty: (r) => r.path.endsWith("/devicecode"),
    reply: (r) =>
      r.path.endsWith("/devicecode")
        ? json({
            user_code: "FAULTCODE",
            device_code: "fault-device-code",
            verification_uri: "https://microsoft.com/devicelogin",
            expires_in: 900,
            interval: 1,
            message: "To sign in, enter FAULTCODE.",
          })
        : entraToken(),
    run: (url, _c, signal) =>
      using(
        new DeviceCodeCredential({
          tenantId: TENANT,
          clientId: CLIENT,
          userPromptCallback: () => undefined,
          authorityHost: url,
          disableInstanceDiscovery: true,
          tlsOptions: TEST_TLS,
          retryOptions: RETRY,
          deviceCodePolling: { minIntervalMs: 10, slowDownStepMs: 10 },
        } as object),
        (c) => c.getToken("https://graph.microsoft.com/.default", getOptions(signal)),
      ),
  },
  {
    name: "Azure Pipelines OIDC",
    tls: true,
    faulty: () => true,
    reply: (_r, c) =>
      json({ oidcToken: federatedToken(CLIENT, `${c.entraUrl}/${TENANT}/oauth2/v2.0/token`) }),
    run: (url, c, signal) =>
      using(
        new AzurePipelinesCredential(TENANT, CLIENT, CONNECTION, SYSTEM_TOKEN, {
          authorityHost: c.entraUrl,
          disableInstanceDiscovery: true,
          tlsOptions: TEST_TLS,
          retryOptions: RETRY,
          env: {
            SYSTEM_OIDCREQUESTURI: `${url}/proj/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken`,
          },
        } as object),
        (cred) => cred.getToken("https://management.azure.com/.default", getOptions(signal)),
      ),
  },
  {
    name: "managed identity: App Service",
    tls: false,
    faulty: () => true,
    reply: () => miToken(),
    run: (url, _c, signal) =>
      using(mi({ IDENTITY_ENDPOINT: `${url}/msi/token`, IDENTITY_HEADER }), (c) =>
        c.getToken(SCOPE, getOptions(signal)),
      ),
  },
  {
    name: "managed identity: IMDS (pod identity host)",
    tls: false,
    faulty: () => true,
    reply: () => miToken(),
    run: (url, _c, signal) =>
      using(mi({ AZURE_POD_IDENTITY_AUTHORITY_HOST: url }), (c) =>
        c.getToken(SCOPE, getOptions(signal)),
      ),
  },
  {
    name: "managed identity: Cloud Shell",
    tls: false,
    faulty: () => true,
    reply: () => miToken(),
    run: (url, _c, signal) =>
      using(mi({ MSI_ENDPOINT: `${url}/oauth2/token` }), (c) =>
        c.getToken(SCOPE, getOptions(signal)),
      ),
  },
  {
    name: "managed identity: Service Fabric (pinned certificate)",
    tls: true,
    certificate: "service_fabric",
    // The CA-trusted certificate is not the pinned one.
    expected: { "untrusted certificate": "ERR_SERVER_CERT_MISMATCH" },
    faulty: () => true,
    reply: () => miToken(),
    run: (url, _c, signal) =>
      using(
        mi({
          IDENTITY_ENDPOINT: `${url}/metadata/identity/oauth2/token`,
          IDENTITY_HEADER,
          IDENTITY_SERVER_THUMBPRINT: readFixture("tls/service_fabric.sha256.txt").trim(),
        }),
        (c) => c.getToken(SCOPE, getOptions(signal)),
      ),
  },
  {
    name: "managed identity: Azure ML",
    tls: false,
    faulty: () => true,
    reply: () => miToken(),
    run: (url, _c, signal) =>
      using(mi({ MSI_ENDPOINT: `${url}/ml`, MSI_SECRET: IDENTITY_HEADER }), (c) =>
        c.getToken(SCOPE, getOptions(signal)),
      ),
  },
  {
    name: "managed identity: Azure Arc",
    tls: false,
    faulty: (r) => r.headers.authorization !== undefined,
    reply: (r, c) =>
      r.headers.authorization === undefined
        ? {
            status: 401,
            headers: { "WWW-Authenticate": `Basic realm=${join(c.keyDir, "agent.key")}` },
          }
        : miToken(),
    run: (url, c, signal) =>
      using(
        mi(
          { IDENTITY_ENDPOINT: `${url}/metadata/identity/oauth2/token`, IMDS_ENDPOINT: url },
          { arcKeyDirectory: c.keyDir },
        ),
        (cred) => cred.getToken(SCOPE, getOptions(signal)),
      ),
  },
];

/** Writes the Arc key file the Azure Arc kind reads. */
export function writeArcKey(keyDir: string): void {
  writeFileSync(join(keyDir, "agent.key"), "fault-suite-arc-key-0123", { mode: 0o600 });
}
