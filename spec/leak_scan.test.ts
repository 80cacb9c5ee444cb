/**
 * The bounded leak scan of issue 10: distinctive secrets of every kind driven through the error
 * paths with verbose logging on, and searched for (as is, JSON-escaped, percent- and
 * form-encoded) in every error's message, stack, cause chain, `JSON.stringify`, `util.inspect`,
 * every log line, and the argv and environment the fake CLI tools recorded.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import { assertSecretNowhere } from "./support/assert_error.js";
import { ConnectProxy } from "./support/connect_proxy.js";
import { fakeCliSandbox } from "./support/fake_cli.js";
import { FakeEndpoint, tokenReply, type Reply } from "./support/fake_endpoint.js";
import { FakeEntra, type Fault } from "./support/fake_entra.js";
import { fixturePath, TEST_TLS } from "./support/fixtures.js";
import {
  AuthorizationCodeCredential,
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePipelinesCredential,
  AzurePowerShellCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  GitHubActionsCredential,
  ManagedIdentityCredential,
  OnBehalfOfCredential,
} from "./support/package.js";
import { runCli } from "./cli/run_cli.js";

const TAG = "7f3a9c2e41d0";
/** One distinctive value per kind; some carry characters that JSON and URLs escape. */
const SECRETS = {
  "client secret": `leak-scan-client-secret-${TAG}~/+"x"`,
  "certificate password": `leak-scan-pfx-password-${TAG} é`,
  "client assertion": `leak-scan-client-assertion-${TAG}`,
  "refresh token": `leak-scan-refresh-token-${TAG}/+=`,
  "access token": `leak-scan-access-token-${TAG}.x`,
  "authorization code": `leak-scan-auth-code-${TAG}&x=1`,
  "OBO user assertion": `leak-scan-obo-assertion-${TAG}`,
  "Pipelines system access token": `leak-scan-system-token-${TAG}`,
  "GitHub Actions request token": `leak-scan-gha-request-token-${TAG}`,
  IDENTITY_HEADER: `leak-scan-identity-header-${TAG}`,
  MSI_SECRET: `leak-scan-msi-secret-${TAG}`,
  "Azure Arc key": `leak-scan-arc-key-${TAG}`,
  "proxy password": `leak-scan-proxy-password-${TAG}:@`,
  "CLI tool's token in stderr": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
} as const;
type Kind = keyof typeof SECRETS;

const PROXY_USER = "leak-scan-user";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "1eac0000-0000-4000-8000-00000000005c";
const SCOPE = "https://vault.azure.net/.default";
const USER_SCOPE = "https://graph.microsoft.com/User.Read";
const REDIRECT = "https://app.example/auth/callback";

/** Every form a reply or a log may carry a secret in. */
function forms(kind: Kind): string[] {
  const secret = SECRETS[kind];
  const json = JSON.stringify(secret).slice(1, -1);
  const out = [
    secret,
    json,
    json.replaceAll("/", "\\/"),
    encodeURIComponent(secret),
    new URLSearchParams({ x: secret }).toString().slice(2),
  ];
  if (kind === "proxy password")
    out.push(Buffer.from(`${PROXY_USER}:${secret}`).toString("base64"));
  return [...new Set(out)];
}

let paths = 0;
let leaks = 0;

/** Where any secret of any kind appears in a failure, its log lines and `extra` places. */
function findLeaks(error: unknown, lines: string[], extra: Record<string, string>): string[] {
  const places: Record<string, string> = {};
  const seen = new Set<unknown>();
  let depth = 0;
  for (let c: unknown = error; c instanceof Object && !seen.has(c) && depth < 20; depth++) {
    seen.add(c);
    const e = c as Error;
    places[`cause[${depth}].message`] = String(e.message);
    places[`cause[${depth}].stack`] = String(e.stack);
    places[`cause[${depth}] JSON.stringify`] = JSON.stringify(e) ?? "";
    c = e.cause;
  }
  places["util.inspect"] = inspect(error, { depth: 10 });
  places["log lines"] = lines.join("\n");
  Object.assign(places, extra);
  const found: string[] = [];
  for (const kind of Object.keys(SECRETS) as Kind[]) {
    for (const form of forms(kind)) {
      for (const [place, text] of Object.entries(places)) {
        if (text.includes(form)) found.push(`${kind} (${form}) in ${place}`);
      }
    }
  }
  return found;
}

/** Scans one failure for every secret of every kind; `extra` adds more places (CLI records). */
function scan(path: string, error: unknown, lines: string[], extra: Record<string, string> = {}) {
  assert.ok(error instanceof Error, `${path}: expected an error, got ${String(error)}`);
  const found = findLeaks(error, lines, extra);
  paths++;
  leaks += found.length;
  assert.deepEqual(found, [], `${path}: ${found.join("; ")}`);
  for (const kind of Object.keys(SECRETS) as Kind[])
    assertSecretNowhere(error, SECRETS[kind], lines);
}

/** Awaits a promise that must reject, and returns the rejection. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

function logged() {
  const lines: string[] = [];
  const loggingOptions = {
    logLevel: "verbose" as const,
    logger: (level: string, line: string) => lines.push(`${level} ${line}`),
  };
  return { lines, loggingOptions };
}

/**
 * A body echoing secrets raw, JSON-escaped and percent-encoded, in every field: the secrets the
 * credential under test holds (a server can only echo what it was sent).
 */
function echoAll(status: number, kinds: Kind[]): { body: string; contentType: string } {
  const all = kinds.map((k) => SECRETS[k]);
  const json = all.map((s) => JSON.stringify(s).slice(1, -1));
  const encoded = all.map(encodeURIComponent);
  if (status === 200)
    return {
      body: `not json: ${all.join(" ")} "${json.join(" ")}" ${encoded.join(" ")}`,
      contentType: "text/plain",
    };
  return {
    body: JSON.stringify({
      error: `bad_${all[0]}`,
      error_description: `AADSTS7000215: you sent ${all.join(", ")}; "${json.join(", ")}"; ${encoded.join(", ")}`,
      error_codes: [7000215],
      trace_id: all.at(-1),
      correlation_id: encoded[0]!.toLowerCase(),
      timestamp: `${all.at(-1)}Z`,
    }),
    contentType: "application/json",
  };
}

/** Token replies that are not tokens: each carries the access and refresh tokens. */
const BAD_TOKEN_REPLIES: Array<[string, Record<string, unknown>]> = [
  ["expires_in not a number", { token_type: "Bearer", expires_in: "soon" }],
  ["no token_type", { expires_in: 3599 }],
  ["token_type not Bearer", { token_type: "MAC", expires_in: 3599 }],
];

let entra: FakeEntra;
let endpoint: FakeEndpoint;
let oidc: FakeEndpoint;
let proxy: ConnectProxy;
let keyDir: string;
const started = Date.now();

before(async () => {
  entra = await FakeEntra.start();
  entra.register({
    clientId: CLIENT,
    tenantId: TENANT,
    secret: "the-registered-secret-is-another-one",
    redirectUris: [REDIRECT],
  });
  endpoint = await FakeEndpoint.start();
  oidc = await FakeEndpoint.start({ tls: "server" });
  proxy = await ConnectProxy.start();
  keyDir = mkdtempSync(join(tmpdir(), "entra-zero-leak-scan-"));
});
after(async () => {
  assert.deepEqual([...entra.unexpected, ...endpoint.unexpected, ...oidc.unexpected], []);
  await entra.close();
  await endpoint.close();
  await oidc.close();
  await proxy.close();
  rmSync(keyDir, { recursive: true, force: true });
  console.log(
    `# leak scan: ${paths} paths, ${Object.keys(SECRETS).length} secrets, leaks found: ${leaks}`,
  );
  console.log(`# leak scan: ran in ${Date.now() - started} ms`);
});

const entraOptions = (loggingOptions: object) => ({
  authorityHost: entra.url,
  disableInstanceDiscovery: true,
  tlsOptions: TEST_TLS,
  retryOptions: { retryDelayInMs: 1, maxRetryDelayInMs: 5, maxRetries: 2 },
  loggingOptions,
});

/** The faults each Entra-backed credential is driven through (each queued enough for retries). */
function entraFaults(kinds: Kind[]): Array<[string, Fault]> {
  const status = (code: number): Fault => {
    const { body, contentType } = echoAll(code, kinds);
    return { kind: "status", status: code, body, contentType };
  };
  return [
    ["HTTP 400 echoing every secret", status(400)],
    ["HTTP 401 echoing every secret", status(401)],
    ["HTTP 500 echoing every secret", status(500)],
    ["HTTP 200 not JSON, echoing every secret", status(200)],
    ["HTTP 200 HTML page", { kind: "html" }],
    ["a truncated reply", { kind: "truncated" }],
    ["an oversized reply", { kind: "oversized" }],
    ["a reset connection", { kind: "reset" }],
    [
      "a redirect to a URL carrying secrets",
      {
        kind: "redirect",
        location: `https://127.0.0.1:1/cb?code=${encodeURIComponent(SECRETS["authorization code"])}&t=${encodeURIComponent(SECRETS["access token"])}`,
      },
    ],
    ...BAD_TOKEN_REPLIES.map(([name, fields]): [string, Fault] => [
      `a token reply with ${name}`,
      {
        kind: "status",
        status: 200,
        body: JSON.stringify({
          access_token: SECRETS["access token"],
          refresh_token: SECRETS["refresh token"],
          ...fields,
        }),
      },
    ]),
  ];
}

/** Credentials that post to the fake Entra, each built fresh for one path. */
const ENTRA_CREDENTIALS: Array<
  [
    string,
    Kind[],
    (loggingOptions: object) => { getToken(s: string): Promise<unknown>; close(): unknown },
  ]
> = [
  [
    "ClientSecretCredential",
    ["client secret"],
    (l) => new ClientSecretCredential(TENANT, CLIENT, SECRETS["client secret"], entraOptions(l)),
  ],
  [
    "ClientAssertionCredential",
    ["client assertion"],
    (l) =>
      new ClientAssertionCredential(
        TENANT,
        CLIENT,
        async () => SECRETS["client assertion"],
        entraOptions(l),
      ),
  ],
  [
    "AuthorizationCodeCredential",
    ["client secret", "authorization code"],
    (l) =>
      new AuthorizationCodeCredential(
        TENANT,
        CLIENT,
        SECRETS["client secret"],
        SECRETS["authorization code"],
        REDIRECT,
        entraOptions(l),
      ),
  ],
  [
    "OnBehalfOfCredential",
    ["client secret", "OBO user assertion"],
    (l) =>
      new OnBehalfOfCredential({
        tenantId: TENANT,
        clientId: CLIENT,
        clientSecret: SECRETS["client secret"],
        userAssertionToken: SECRETS["OBO user assertion"],
        ...entraOptions(l),
      }),
  ],
];

test("the scanner itself finds a secret in each form and place", () => {
  const secret = SECRETS["client secret"];
  const deep = new Error("outer", {
    cause: new Error("middle", { cause: new Error(`x ${encodeURIComponent(secret)}`) }),
  });
  assert.equal(findLeaks(deep, [], {}).length > 0, true, "percent-encoded, two causes down");
  const json = JSON.stringify(secret).slice(1, -1);
  assert.ok(findLeaks(new Error("clean"), [`log ${json}`], {}).length > 0, "JSON-escaped, log");
  const field = Object.assign(new Error("clean"), { body: { nested: { deeper: secret } } });
  assert.ok(findLeaks(field, [], {}).length > 0, "a nested property (util.inspect, JSON)");
  const basic = Buffer.from(`${PROXY_USER}:${SECRETS["proxy password"]}`).toString("base64");
  assert.ok(findLeaks(new Error("clean"), [], { argv: basic }).length > 0, "Basic credentials");
  assert.deepEqual(findLeaks(new Error("clean"), ["clean"], { argv: "[]" }), []);
});

describe("leak scan: credentials posting to Entra", () => {
  for (const [name, kinds, make] of ENTRA_CREDENTIALS) {
    const scope =
      name === "ClientSecretCredential" || name.startsWith("ClientA") ? SCOPE : USER_SCOPE;
    test(`${name}: Entra's own refusal`, async () => {
      const { lines, loggingOptions } = logged();
      const cred = make(loggingOptions);
      scan(`${name}: refusal`, await failure(cred.getToken(scope)), lines);
      await cred.close();
    });
    for (const [what, fault] of entraFaults(kinds)) {
      test(`${name}: ${what}`, async () => {
        const { lines, loggingOptions } = logged();
        const cred = make(loggingOptions);
        entra.faults.length = 0;
        for (let i = 0; i < 3; i++) entra.faults.push(fault);
        scan(`${name}: ${what}`, await failure(cred.getToken(scope)), lines);
        entra.faults.length = 0;
        await cred.close();
      });
    }
  }

  for (const status of [400, 401, 500]) {
    test(`AuthorizationCodeCredential: a refresh refused with HTTP ${status}, echoing the refresh token and secret`, async () => {
      const { lines, loggingOptions } = logged();
      const cred = new AuthorizationCodeCredential(
        TENANT,
        CLIENT,
        SECRETS["client secret"],
        SECRETS["authorization code"],
        REDIRECT,
        entraOptions(loggingOptions),
      );
      entra.faults.length = 0;
      entra.requests.length = 0;
      entra.faults.push({
        kind: "status",
        status: 200,
        body: JSON.stringify({
          token_type: "Bearer",
          expires_in: 3599,
          scope: USER_SCOPE,
          access_token: SECRETS["access token"],
          refresh_token: SECRETS["refresh token"],
        }),
      });
      // The refresh request carries the refresh token and the secret, not the access token.
      const { body, contentType } = echoAll(status, ["refresh token", "client secret"]);
      for (let i = 0; i < 3; i++) entra.faults.push({ kind: "status", status, body, contentType });
      assert.equal(
        ((await cred.getToken(USER_SCOPE)) as { token: string }).token,
        SECRETS["access token"],
      );
      const error = await failure(cred.getToken("https://vault.azure.net/user_impersonation"));
      assert.equal(entra.tokenRequests[1]?.form.refresh_token, SECRETS["refresh token"]);
      scan(`AuthorizationCodeCredential: refresh refused with HTTP ${status}`, error, lines);
      entra.faults.length = 0;
      await cred.close();
    });
  }

  test("ClientCertificateCredential: a PFX with the wrong password", async () => {
    const { lines, loggingOptions } = logged();
    let error: unknown;
    // PKCS#12 is decoded after construction: the wrong password fails the first getToken.
    const cred = new ClientCertificateCredential(
      TENANT,
      CLIENT,
      {
        certificatePath: fixturePath("pfx/default.pfx"),
        certificatePassword: SECRETS["certificate password"],
      },
      entraOptions(loggingOptions),
    );
    try {
      await cred.getToken(SCOPE);
    } catch (e) {
      error = e;
    }
    await cred.close();
    scan("ClientCertificateCredential: wrong PFX password", error, lines);
  });

  test("a proxy refusing the credentials with 407", async () => {
    proxy.requiredAuthorization = `Basic ${Buffer.from("someone:else").toString("base64")}`;
    const { lines, loggingOptions } = logged();
    const cred = new ClientSecretCredential(TENANT, CLIENT, SECRETS["client secret"], {
      ...entraOptions(loggingOptions),
      proxyOptions: {
        host: "http://127.0.0.1",
        port: proxy.port,
        username: PROXY_USER,
        password: SECRETS["proxy password"],
      },
    });
    scan("proxy 407", await failure(cred.getToken(SCOPE)), lines);
    assert.ok(proxy.tunnels.length > 0);
    proxy.requiredAuthorization = undefined;
    await cred.close();
  });

  test("a proxy from HTTPS_PROXY with user:password in the URL refusing them with 407", async () => {
    proxy.requiredAuthorization = `Basic ${Buffer.from("someone:else").toString("base64")}`;
    const { lines, loggingOptions } = logged();
    const password = encodeURIComponent(SECRETS["proxy password"]);
    const cred = new ClientSecretCredential(TENANT, CLIENT, SECRETS["client secret"], {
      ...entraOptions(loggingOptions),
      env: { HTTPS_PROXY: `http://${PROXY_USER}:${password}@127.0.0.1:${proxy.port}` },
    } as object);
    const before = proxy.tunnels.length;
    scan("HTTPS_PROXY 407", await failure(cred.getToken(SCOPE)), lines);
    assert.equal(
      proxy.tunnels.at(-1)?.authorization,
      `Basic ${Buffer.from(`${PROXY_USER}:${SECRETS["proxy password"]}`).toString("base64")}`,
    );
    assert.ok(proxy.tunnels.length > before);
    proxy.requiredAuthorization = undefined;
    await cred.close();
  });
});

/** A reply echoing the request's secret headers, and every secret, in body and headers. */
function echoRequest(
  status: number,
  kinds: Kind[],
): (request: { headers: Record<string, unknown> }) => Reply {
  return (request) => {
    const sent = ["authorization", "x-identity-header", "secret"]
      .map((h) => String(request.headers[h] ?? ""))
      .join(" ");
    const { body } = echoAll(status, kinds);
    return {
      status,
      body: `${sent} ${encodeURIComponent(sent)} ${body}`,
      headers: {
        "Content-Type": `${status === 200 ? "text/plain" : "application/json"}; echo=${encodeURIComponent(sent)}`,
        "x-echo": encodeURIComponent(sent),
      },
    };
  };
}

describe("leak scan: managed identity and Pipelines endpoints", () => {
  const mi = (env: NodeJS.ProcessEnv, options: Record<string, unknown>) =>
    new ManagedIdentityCredential({
      retryOptions: { retryDelayInMs: 1, maxRetryDelayInMs: 5, maxRetries: 2 },
      env,
      ...options,
    } as ConstructorParameters<typeof ManagedIdentityCredential>[0] & object);

  const sources: Array<[string, Kind, () => NodeJS.ProcessEnv, string?]> = [
    [
      "App Service (IDENTITY_HEADER)",
      "IDENTITY_HEADER",
      () => ({
        IDENTITY_ENDPOINT: `${endpoint.url}/msi/token`,
        IDENTITY_HEADER: SECRETS.IDENTITY_HEADER,
      }),
    ],
    [
      "Azure ML (MSI_SECRET)",
      "MSI_SECRET",
      () => ({ MSI_ENDPOINT: `${endpoint.url}/ml`, MSI_SECRET: SECRETS.MSI_SECRET }),
    ],
    [
      "Azure Arc (key file)",
      "Azure Arc key",
      () => ({
        IDENTITY_ENDPOINT: `${endpoint.url}/metadata/identity/oauth2/token`,
        IMDS_ENDPOINT: endpoint.url,
      }),
      "arc",
    ],
  ];
  for (const [source, kind, env, arc] of sources) {
    for (const status of [400, 401, 403, 500, 200]) {
      test(`ManagedIdentityCredential, ${source}: HTTP ${status} echoing the request's secrets`, async () => {
        endpoint.reset();
        const { lines, loggingOptions } = logged();
        const options: Record<string, unknown> = { loggingOptions };
        if (arc) {
          writeFileSync(join(keyDir, "scan.key"), SECRETS["Azure Arc key"]);
          options.arcKeyDirectory = keyDir;
          endpoint.replies.push({
            status: 401,
            headers: { "WWW-Authenticate": `Basic realm=${join(keyDir, "scan.key")}` },
          });
        }
        const cred = mi(env(), options);
        for (let i = 0; i < 4; i++) endpoint.replies.push(echoRequest(status, [kind]));
        scan(`MI ${source} HTTP ${status}`, await failure(cred.getToken(SCOPE)), lines);
        endpoint.reset();
        await cred.close();
      });
    }
    test(`ManagedIdentityCredential, ${source}: a token reply with a bad expiry`, async () => {
      endpoint.reset();
      const { lines, loggingOptions } = logged();
      const options: Record<string, unknown> = { loggingOptions };
      if (arc) {
        writeFileSync(join(keyDir, "scan.key"), SECRETS["Azure Arc key"]);
        options.arcKeyDirectory = keyDir;
        endpoint.replies.push({
          status: 401,
          headers: { "WWW-Authenticate": `Basic realm=${join(keyDir, "scan.key")}` },
        });
      }
      const cred = mi(env(), options);
      for (let i = 0; i < 4; i++)
        endpoint.replies.push(
          tokenReply(SECRETS["access token"], {
            expires_on: "soon",
            refresh_token: SECRETS["refresh token"],
          }),
        );
      scan(`MI ${source} bad token reply`, await failure(cred.getToken(SCOPE)), lines);
      endpoint.reset();
      await cred.close();
    });
  }

  for (const status of [400, 401, 500, 200]) {
    test(`AzurePipelinesCredential: the OIDC endpoint answers HTTP ${status} echoing the system token`, async () => {
      oidc.reset();
      const { lines, loggingOptions } = logged();
      const cred = new AzurePipelinesCredential(
        TENANT,
        CLIENT,
        "5d2a1c3b-0000-4000-8000-00000000c0de",
        SECRETS["Pipelines system access token"],
        {
          ...entraOptions(loggingOptions),
          env: { SYSTEM_OIDCREQUESTURI: `${oidc.url}/proj/_apis/oidctoken` },
        } as object,
      );
      for (let i = 0; i < 4; i++)
        oidc.replies.push(echoRequest(status, ["Pipelines system access token"]));
      scan(`Pipelines OIDC HTTP ${status}`, await failure(cred.getToken(SCOPE)), lines);
      oidc.reset();
      await cred.close();
    });
  }

  for (const status of [400, 401, 500, 200]) {
    test(`GitHubActionsCredential: the ID-token endpoint answers HTTP ${status} echoing the request token`, async () => {
      oidc.reset();
      const { lines, loggingOptions } = logged();
      const cred = new GitHubActionsCredential({
        ...entraOptions(loggingOptions),
        env: {
          ACTIONS_ID_TOKEN_REQUEST_URL: `${oidc.url}/idtoken?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: SECRETS["GitHub Actions request token"],
          AZURE_TENANT_ID: TENANT,
          AZURE_CLIENT_ID: CLIENT,
        },
      } as object);
      for (let i = 0; i < 4; i++)
        oidc.replies.push(echoRequest(status, ["GitHub Actions request token"]));
      scan(`GitHub Actions OIDC HTTP ${status}`, await failure(cred.getToken(SCOPE)), lines);
      oidc.reset();
      await cred.close();
    });
  }
});

describe("leak scan: the entra-token command", () => {
  test("Entra refusing the environment's secret, echoing it: stdout and stderr of the tool", async () => {
    const { body, contentType } = echoAll(401, ["client secret"]);
    entra.faults.length = 0;
    for (let i = 0; i < 4; i++)
      entra.faults.push({ kind: "status", status: 401, body, contentType });
    const argv = ["-s", SCOPE, "-c", "environment", "--disable-instance-discovery"];
    const result = await runCli(argv, {
      HOME: keyDir,
      AZURE_AUTHORITY_HOST: entra.url,
      NODE_EXTRA_CA_CERTS: fixturePath("tls/ca.pem"),
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: SECRETS["client secret"],
      AZURE_LOG_LEVEL: "verbose",
    });
    entra.faults.length = 0;
    assert.equal(result.code, 4, result.stderr);
    scan("entra-token: refused secret", new Error("entra-token exited 4"), [], {
      "entra-token stdout": result.stdout,
      "entra-token stderr": result.stderr,
    });
  });

  test("a secret pasted as an argument or an option value is never echoed", async () => {
    for (const argv of [
      ["-s", SCOPE, SECRETS["client secret"]],
      ["-s", SCOPE, `--client-secret=${SECRETS["client secret"]}`],
      ["-s", SCOPE, "-c", SECRETS["client secret"]],
      ["-s", SECRETS["client secret"]],
    ]) {
      const result = await runCli(argv, { HOME: keyDir });
      assert.equal(result.code, 2, result.stderr);
      scan("entra-token: usage error", new Error("entra-token exited 2"), [], {
        "entra-token stdout": result.stdout,
        "entra-token stderr": result.stderr,
      });
    }
  });
});

describe("leak scan: DefaultAzureCredential", () => {
  test("the environment's service principal refused, Entra echoing its secret", async () => {
    const { lines, loggingOptions } = logged();
    const box = fakeCliSandbox();
    const cred = new DefaultAzureCredential({
      ...entraOptions(loggingOptions),
      env: {
        PATH: box.emptyDir,
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: CLIENT,
        AZURE_CLIENT_SECRET: SECRETS["client secret"],
      },
    } as object);
    const { body, contentType } = echoAll(401, ["client secret"]);
    entra.faults.length = 0;
    entra.faults.push({ kind: "status", status: 401, body, contentType });
    scan("DefaultAzureCredential: environment", await failure(cred.getToken(SCOPE)), lines);
    entra.faults.length = 0;
    box.dispose();
  });

  test("managed identity unavailable and every tool failing: the aggregated error", async (t) => {
    const { lines, loggingOptions } = logged();
    const box = fakeCliSandbox();
    t.after(box.dispose);
    endpoint.reset();
    endpoint.replies.push(echoRequest(400, ["IDENTITY_HEADER"]));
    const cred = new DefaultAzureCredential({
      ...entraOptions(loggingOptions),
      env: box.env("error", {
        IDENTITY_ENDPOINT: `${endpoint.url}/msi/token`,
        IDENTITY_HEADER: SECRETS.IDENTITY_HEADER,
      }),
    } as object);
    const error = await failure(cred.getToken(SCOPE));
    assert.ok(box.records().length > 0, "the fake tools ran");
    scan("DefaultAzureCredential: aggregated", error, lines, {
      "recorded argv": JSON.stringify(box.records().map((r) => r.argv ?? [])),
    });
    endpoint.reset();
  });
});

describe("leak scan: developer CLI tools", () => {
  type Tool = (env: NodeJS.ProcessEnv, l: object) => { getToken(s: string): Promise<unknown> };
  const tools: Array<[string, Tool]> = [
    [
      "AzureCliCredential",
      (env, l) => new AzureCliCredential({ env, loggingOptions: l } as object),
    ],
    [
      "AzureDeveloperCliCredential",
      (env, l) => new AzureDeveloperCliCredential({ env, loggingOptions: l } as object),
    ],
    [
      "AzurePowerShellCredential",
      (env, l) => new AzurePowerShellCredential({ env, loggingOptions: l } as object),
    ],
  ];
  for (const [name, make] of tools) {
    for (const mode of ["error", "garbage"]) {
      test(`${name}: the tool fails (${mode}) with every secret in its environment`, async (t) => {
        const box = fakeCliSandbox();
        t.after(box.dispose);
        const { lines, loggingOptions } = logged();
        const env = box.env(mode, {
          AZURE_CLIENT_SECRET: SECRETS["client secret"],
          IDENTITY_HEADER: SECRETS.IDENTITY_HEADER,
          MSI_SECRET: SECRETS.MSI_SECRET,
          SYSTEM_ACCESSTOKEN: SECRETS["Pipelines system access token"],
          AZURE_CLIENT_CERTIFICATE_PASSWORD: SECRETS["certificate password"],
          HTTPS_PROXY: `http://${PROXY_USER}:${encodeURIComponent(SECRETS["proxy password"])}@127.0.0.1:1`,
        });
        const cred = make(env, loggingOptions);
        const error = await failure(cred.getToken("https://management.azure.com/.default"));
        const records = box.records();
        assert.ok(records.length > 0, "the fake tool ran");
        scan(`${name} ${mode}`, error, lines, {
          "recorded argv": JSON.stringify(records.map((r) => r.argv ?? [])),
          "recorded env": JSON.stringify(records.map((r) => r.env ?? {})),
        });
      });
    }
  }
});
