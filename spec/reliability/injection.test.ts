import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { FakeEndpoint, tokenReply } from "../support/fake_endpoint.js";
import { FakeEntra } from "../support/fake_entra.js";
import { fakeCliSandbox, type FakeCliSandbox, type FakeRecord } from "../support/fake_cli.js";
import { TEST_TLS } from "../support/fixtures.js";
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  AuthenticationError,
  CertificateError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../support/package.js";

// Every value that reaches an argv, a URL, a header or a path, with hostile content. Each either
// is refused with a typed, coded error before it reaches its sink, or arrives there intact as one
// unit (one argv element, one decoded path segment or form/query field, one header value). The
// tables below say which, per value and sink; spec/process/cli_arguments.test.ts covers the pure
// argument checks, this suite the whole path through each credential to the real sink.

const HOSTILE = {
  "CR/LF": "a\r\nX-Injected: 1",
  NUL: "a\0b",
  semicolon: "a;b",
  "&&": "a && b",
  "$(…)": "$(id)",
  backticks: "`id`",
  "../": "../../etc",
  "%2e%2e": "%2e%2e%2f",
  "?": "a?x=1",
  "#": "a#frag",
  "U+2028": "a\u2028b",
  long: "a".repeat(10_000),
} as const;
type ValueName = keyof typeof HOSTILE;
const NAMES = Object.keys(HOSTILE) as ValueName[];

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "0b7c5e1a-0000-4000-8000-00000000ab1e";
const SECRET = "injection-suite-secret-0123456789";

/** What became of a value at a sink. */
type Outcome =
  | { refused: Error & { code?: unknown } }
  | { arrived: unknown /** what the sink received, compared with the value */ };

interface Sink {
  name: string;
  /** Values refused before the sink; every other value must arrive intact. */
  refused: readonly ValueName[];
  /** Sends `value` towards the sink. */
  send(value: string): Promise<Outcome>;
  /** The received form of the value, compared with it when it arrived. */
  expect?(value: string): unknown;
}

let entra: FakeEntra;
let endpoint: FakeEndpoint;
let box: FakeCliSandbox;

before(async () => {
  entra = await FakeEntra.start();
  entra.register({ clientId: CLIENT, tenantId: TENANT, secret: SECRET });
  endpoint = await FakeEndpoint.start({ fallback: tokenReply("mi-token") });
  box = fakeCliSandbox();
});
after(async () => {
  await entra.close();
  await endpoint.close();
  box.dispose();
});

async function settle(work: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await work();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

const FAR = { retryOptions: { maxRetries: 0 } };

/** Runs a CLI credential; `arrived` is the argv the fake tool recorded (or what `pick` takes). */
async function viaCli(
  work: () => Promise<unknown>,
  pick: (r: FakeRecord) => unknown = (r) => r.argv,
): Promise<Outcome> {
  const before = box.records().length;
  const error = await settle(work);
  const record = box.records()[before];
  if (record) return { arrived: pick(record) };
  return { refused: error ?? new Error("no process and no error") };
}

/** Runs an Entra credential; `arrived` is the token request the fake received. */
async function viaEntra(
  work: () => Promise<unknown>,
  pick: (r: FakeEntra["requests"][number]) => unknown,
): Promise<Outcome> {
  const before = entra.requests.length;
  const error = await settle(work);
  const request = entra.requests[before];
  if (request) return { arrived: pick(request) };
  return { refused: error ?? new Error("no request and no error") };
}

/** Runs a managed-identity credential; `arrived` is the request the endpoint received. */
async function viaEndpoint(
  work: () => Promise<unknown>,
  pick: (r: FakeEndpoint["requests"][number]) => unknown,
): Promise<Outcome> {
  const before = endpoint.requests.length;
  const error = await settle(work);
  const request = endpoint.requests[before];
  if (request) return { arrived: pick(request) };
  return { refused: error ?? new Error("no request and no error") };
}

const entraOptions = () => ({
  authorityHost: entra.url,
  disableInstanceDiscovery: true,
  tlsOptions: TEST_TLS,
  ...FAR,
});
const ALL: readonly ValueName[] = NAMES;
/** A tenant is a GUID or a domain name: everything else is refused; 10,000 letters pass as one. */
const TENANT_REFUSED = NAMES.filter((n) => n !== "long");
/** A subscription name or id: letters, digits, spaces, `_ . -` only. */
const SUBSCRIPTION_REFUSED = NAMES.filter((n) => n !== "long");
/** A scope for a tool: its character set refuses all but `../` (one argv element) and length. */
const CLI_SCOPE_REFUSED = NAMES.filter((n) => n !== "long" && n !== "../");
/** A scope in a request (form field, query): spaces and control characters are refused. */
const SCOPE_REFUSED: readonly ValueName[] = ["CR/LF", "NUL", "&&", "U+2028"];
/** A header value: what HTTP forbids (CR, LF, NUL) and non-Latin-1 text are refused. */
const HEADER_REFUSED: readonly ValueName[] = ["CR/LF", "NUL", "U+2028"];
/** An authority host: line breaks, spaces, controls and dot segments, query and fragment. */
const AUTHORITY_REFUSED: readonly ValueName[] = ["CR/LF", "NUL", "&&", "../", "?", "#", "U+2028"];
const SINKS: Sink[] = [
  // ---- argv ----
  {
    name: "az --tenant (tenantId option)",
    refused: TENANT_REFUSED,
    send: (v) =>
      viaCli(() =>
        new AzureCliCredential({ tenantId: v, env: box.env("success") }).getToken(
          "https://management.azure.com/.default",
        ),
      ),
  },
  {
    name: "az --tenant (getToken tenantId)",
    refused: TENANT_REFUSED,
    send: (v) =>
      viaCli(() =>
        new AzureCliCredential({
          additionallyAllowedTenants: ["*"],
          env: box.env("success"),
        }).getToken("https://management.azure.com/.default", { tenantId: v }),
      ),
  },
  {
    name: "az --resource (scope)",
    refused: CLI_SCOPE_REFUSED,
    send: (v) =>
      viaCli(() =>
        new AzureCliCredential({ env: box.env("success") }).getToken(`api://${v}/.default`),
      ),
    expect: (v) => `api://${v}`,
  },
  {
    name: "az --subscription",
    refused: SUBSCRIPTION_REFUSED,
    send: (v) =>
      viaCli(() =>
        new AzureCliCredential({ subscription: v, env: box.env("success") }).getToken(
          "https://management.azure.com/.default",
        ),
      ),
  },
  {
    name: "azd --tenant-id",
    refused: TENANT_REFUSED,
    send: (v) =>
      viaCli(() =>
        new AzureDeveloperCliCredential({ tenantId: v, env: box.env("success") }).getToken(
          "https://management.azure.com/.default",
        ),
      ),
  },
  {
    name: "azd --scope",
    refused: CLI_SCOPE_REFUSED,
    send: (v) =>
      viaCli(() =>
        new AzureDeveloperCliCredential({ env: box.env("success") }).getToken(
          `api://${v}/.default`,
        ),
      ),
    expect: (v) => `api://${v}/.default`,
  },
  {
    name: "pwsh tenant",
    refused: TENANT_REFUSED,
    send: (v) =>
      viaCli(
        () =>
          new AzurePowerShellCredential({ tenantId: v, env: box.env("success") }).getToken(
            "https://management.azure.com/.default",
          ),
        (r) => r.env?.AZURE_IDENTITY_POWERSHELL_TENANT_ID,
      ),
  },
  {
    name: "pwsh resource (scope)",
    refused: CLI_SCOPE_REFUSED,
    send: (v) =>
      viaCli(
        () =>
          new AzurePowerShellCredential({ env: box.env("success") }).getToken(
            `api://${v}/.default`,
          ),
        (r) => r.env?.AZURE_IDENTITY_POWERSHELL_RESOURCE,
      ),
    expect: (v) => `api://${v}`,
  },
  // ---- URL ----
  {
    name: "token URL path (tenantId)",
    refused: TENANT_REFUSED,
    send: (v) =>
      viaEntra(
        () =>
          new ClientSecretCredential(v, CLIENT, SECRET, entraOptions()).getToken(
            "api://x/.default",
          ),
        (r) => r.path,
      ),
    expect: (v) => `/${v}/oauth2/v2.0/token`,
  },
  {
    name: "token URL path (getToken tenantId)",
    refused: TENANT_REFUSED,
    send: (v) =>
      viaEntra(
        () =>
          new ClientSecretCredential(TENANT, CLIENT, SECRET, {
            ...entraOptions(),
            additionallyAllowedTenants: ["*"],
          }).getToken("api://x/.default", { tenantId: v }),
        (r) => r.path,
      ),
    expect: (v) => `/${v}/oauth2/v2.0/token`,
  },
  {
    name: "authorityHost path",
    refused: AUTHORITY_REFUSED,
    send: (v) =>
      viaEntra(
        () =>
          new ClientSecretCredential(TENANT, CLIENT, SECRET, {
            ...entraOptions(),
            authorityHost: `${entra.url}/${v}`,
          }).getToken("api://x/.default"),
        (r) => decodeURIComponent(r.path),
      ),
    // Arrived as written: percent-encoded on the wire, one segment.
    expect: (v) => `/${decodeURIComponent(v)}/${TENANT}/oauth2/v2.0/token`,
  },
  {
    name: "token form scope",
    refused: SCOPE_REFUSED,
    send: (v) =>
      viaEntra(
        () =>
          new ClientSecretCredential(TENANT, CLIENT, SECRET, entraOptions()).getToken(
            `api://${v}/.default`,
          ),
        (r) => ({ scope: r.form.scope, fields: r.fieldOrder.length }),
      ),
    expect: (v) => ({ scope: `api://${v}/.default`, fields: 4 }),
  },
  {
    name: "MI query client_id",
    refused: [],
    send: (v) =>
      viaEndpoint(
        () =>
          new ManagedIdentityCredential({
            clientId: v,
            env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: endpoint.url },
            ...FAR,
          } as object).getToken("https://vault.azure.net/.default"),
        (r) => ({ value: r.query.client_id, fields: Object.keys(r.query).length }),
      ),
    expect: (v) => ({ value: v, fields: 3 }),
  },
  {
    name: "MI query msi_res_id",
    refused: [],
    send: (v) =>
      viaEndpoint(
        () =>
          new ManagedIdentityCredential({
            resourceId: v,
            env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: endpoint.url },
            ...FAR,
          } as object).getToken("https://vault.azure.net/.default"),
        (r) => ({ value: r.query.msi_res_id, fields: Object.keys(r.query).length }),
      ),
    expect: (v) => ({ value: v, fields: 3 }),
  },
  {
    name: "MI query resource (scope)",
    refused: SCOPE_REFUSED,
    send: (v) =>
      viaEndpoint(
        () =>
          new ManagedIdentityCredential({
            env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: endpoint.url },
            ...FAR,
          } as object).getToken(`api://${v}/.default`),
        (r) => ({ value: r.query.resource, fields: Object.keys(r.query).length }),
      ),
    expect: (v) => ({ value: `api://${v}`, fields: 2 }),
  },
  // ---- headers ----
  {
    name: "User-Agent (userAgentPrefix)",
    refused: HEADER_REFUSED,
    send: (v) =>
      viaEntra(
        () =>
          new ClientSecretCredential(TENANT, CLIENT, SECRET, {
            ...entraOptions(),
            userAgentOptions: { userAgentPrefix: v },
          }).getToken("api://x/.default"),
        (r) => String(r.headers["user-agent"]).slice(0, v.length),
      ),
  },
  {
    name: "X-IDENTITY-HEADER (IDENTITY_HEADER)",
    refused: HEADER_REFUSED,
    send: (v) =>
      viaEndpoint(
        () =>
          new ManagedIdentityCredential({
            env: { IDENTITY_ENDPOINT: `${endpoint.url}/msi/token`, IDENTITY_HEADER: v },
            ...FAR,
          } as object).getToken("https://vault.azure.net/.default"),
        (r) => r.headers["x-identity-header"],
      ),
  },
  {
    name: "secret header (MSI_SECRET)",
    refused: HEADER_REFUSED,
    send: (v) =>
      viaEndpoint(
        () =>
          new ManagedIdentityCredential({
            env: { MSI_ENDPOINT: `${endpoint.url}/ml`, MSI_SECRET: v },
            ...FAR,
          } as object).getToken("https://vault.azure.net/.default"),
        (r) => r.headers.secret,
      ),
  },
  // ---- paths ----
  {
    name: "certificatePath",
    refused: ALL,
    send: async (v) => {
      const error = await settle(async () =>
        new ClientCertificateCredential(
          TENANT,
          CLIENT,
          { certificatePath: v },
          entraOptions(),
        ).getToken("api://x/.default"),
      );
      return { refused: error ?? new Error("accepted") };
    },
  },
  {
    name: "tokenFilePath",
    refused: ALL,
    send: async (v) => {
      const error = await settle(async () =>
        new WorkloadIdentityCredential({
          tenantId: TENANT,
          clientId: CLIENT,
          tokenFilePath: v,
          ...entraOptions(),
        }).getToken("api://x/.default"),
      );
      return { refused: error ?? new Error("accepted") };
    },
  },
];

const TYPED = [
  AuthenticationError,
  CertificateError,
  CredentialUnavailableError,
  InvalidArgumentError,
];

/** A value as it may appear in a report: escaped and cut. */
const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}…(${text.length} chars)` : text;
};

describe("injection: every hostile value at every sink is refused (typed, coded) or arrives intact", () => {
  for (const sink of SINKS) {
    test(sink.name, async (t) => {
      const summary: string[] = [];
      const problems: string[] = [];
      for (const name of NAMES) {
        const value = HOSTILE[name];
        const outcome = await sink.send(value);
        const expectRefused = sink.refused.includes(name);
        if ("refused" in outcome) {
          const e = outcome.refused;
          summary.push(`${name}: refused ${String(e.code)}`);
          if (!expectRefused)
            problems.push(`${name}: refused (${show(e.message)}), expected to arrive`);
          if (!TYPED.some((c) => e instanceof c))
            problems.push(`${name}: untyped ${e.constructor.name}: ${show(e.message)}`);
          if (typeof e.code !== "string" || e.code === "") problems.push(`${name}: no code`);
          if (/[\r\n\0\u2028]/.test(e.message))
            problems.push(`${name}: raw control character in message ${show(e.message)}`);
          if (e.message.includes("X-Injected")) problems.push(`${name}: value echoed`);
        } else {
          summary.push(`${name}: arrived`);
          const expected = sink.expect ? sink.expect(value) : value;
          const arrived = Array.isArray(outcome.arrived)
            ? (outcome.arrived as string[]).find((a) => a.includes(value))
            : outcome.arrived;
          if (expectRefused) problems.push(`${name}: reached the sink as ${show(outcome.arrived)}`);
          else if (JSON.stringify(arrived) !== JSON.stringify(expected))
            problems.push(`${name}: arrived altered: ${show(outcome.arrived)}`);
        }
      }
      t.diagnostic(summary.join("; "));
      assert.deepEqual(problems, []);
    });
  }
});
