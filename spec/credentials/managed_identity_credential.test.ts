import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { linkSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { FakeEndpoint, tokenReply } from "../support/fake_endpoint.js";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS, readFixture } from "../support/fixtures.js";
import {
  assertNoSecret,
  assertSecretNowhere,
  rejectsWith,
  throwsWith,
} from "../support/assert_error.js";
import {
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
  ManagedIdentityCredential,
} from "../support/package.js";

const SCOPE = "https://vault.azure.net/.default";
const RESOURCE = "https://vault.azure.net";
const FAST_RETRY = { retryDelayInMs: 1, maxRetryDelayInMs: 20, maxRetries: 3 };

let http: FakeEndpoint;
let keyDir: string;

/** A credential reading only `env`; internal seams go through the same options object. */
function mi(
  env: NodeJS.ProcessEnv,
  options: Record<string, unknown> = {},
): ManagedIdentityCredential {
  return new ManagedIdentityCredential({
    retryOptions: FAST_RETRY,
    env,
    ...options,
  } as ConstructorParameters<typeof ManagedIdentityCredential>[0] & object);
}

const podIdentity = () => ({ AZURE_POD_IDENTITY_AUTHORITY_HOST: http.url });

before(async () => {
  http = await FakeEndpoint.start();
  keyDir = mkdtempSync(join(tmpdir(), "entra-zero-arc-"));
});
after(async () => {
  assert.deepEqual(http.unexpected, []);
  await http.close();
  rmSync(keyDir, { recursive: true, force: true });
});
beforeEach(() => http.reset());

describe("ManagedIdentityCredential: every source obtains a token", () => {
  test("IMDS (pod-identity host): GET with api-version 2018-02-01, resource and Metadata: true", async () => {
    const cred = mi(podIdentity());
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    http.replies.push(tokenReply("imds-token", { expires_on: String(expiresOn) }));
    const token = await cred.getToken(SCOPE);
    assert.deepEqual(token, {
      token: "imds-token",
      expiresOnTimestamp: expiresOn * 1000,
      tokenType: "Bearer",
    });
    const [request] = http.requests;
    assert.equal(request!.method, "GET");
    assert.equal(request!.path, "/metadata/identity/oauth2/token");
    assert.equal(
      request!.search,
      `?api-version=2018-02-01&resource=${encodeURIComponent(RESOURCE)}`,
    );
    assert.equal(request!.headers.metadata, "true");
    await cred.close();
  });

  for (const [option, param] of [
    ["clientId", "client_id"],
    ["resourceId", "msi_res_id"],
    ["objectId", "object_id"],
  ] as const) {
    test(`IMDS user-assigned by ${option} sends ${param}`, async () => {
      const cred = mi(podIdentity(), { [option]: "id-123" });
      http.replies.push(tokenReply("t"));
      await cred.getToken(SCOPE);
      assert.equal(http.requests[0]!.query[param], "id-123");
      await cred.close();
    });
  }

  test("the (clientId) overload selects the user-assigned identity", async () => {
    const cred = new ManagedIdentityCredential("client-abc", { env: podIdentity() } as object);
    http.replies.push(tokenReply("t"));
    await cred.getToken(SCOPE);
    assert.equal(http.requests[0]!.query.client_id, "client-abc");
    await cred.close();
  });

  test("IMDS inside DefaultAzureCredential: one bare probe (no query, no Metadata), then the request; later calls are cached", async () => {
    const cred = mi({}, { imdsHost: http.url, sendProbeRequest: true });
    http.replies.push(
      {
        status: 400,
        body: {
          error: "invalid_request",
          error_description: "Required metadata header not specified",
        },
      },
      tokenReply("after-probe"),
    );
    assert.equal((await cred.getToken(SCOPE)).token, "after-probe");
    assert.equal((await cred.getToken(SCOPE)).token, "after-probe");
    assert.equal(http.requests.length, 2);
    assert.equal(http.requests[0]!.search, "");
    assert.equal(http.requests[0]!.headers.metadata, undefined);
    assert.equal(http.requests[1]!.headers.metadata, "true");
    await cred.close();
  });

  test("App Service: api-version 2019-08-01, X-IDENTITY-HEADER, mi_res_id for a resource id", async () => {
    const cred = mi(
      { IDENTITY_ENDPOINT: `${http.url}/msi/token`, IDENTITY_HEADER: "app-service-header" },
      { resourceId: "/subscriptions/s/rg/id" },
    );
    http.replies.push(tokenReply("app-token"));
    assert.equal((await cred.getToken(SCOPE)).token, "app-token");
    const [request] = http.requests;
    assert.equal(request!.path, "/msi/token");
    assert.equal(
      request!.search,
      `?api-version=2019-08-01&resource=${encodeURIComponent(RESOURCE)}&mi_res_id=${encodeURIComponent("/subscriptions/s/rg/id")}`,
    );
    assert.equal(request!.headers["x-identity-header"], "app-service-header");
    await cred.close();
  });

  test("Azure ML: api-version 2017-09-01, secret header, clientid from DEFAULT_IDENTITY_CLIENT_ID", async () => {
    const cred = mi({
      MSI_ENDPOINT: `${http.url}/ml`,
      MSI_SECRET: "ml-secret",
      DEFAULT_IDENTITY_CLIENT_ID: "default-ml-id",
    });
    http.replies.push(tokenReply("ml-token", { expires_on: undefined, expires_in: 3600 }));
    const started = Date.now();
    const token = await cred.getToken(SCOPE);
    assert.ok(token.expiresOnTimestamp >= started + 3600_000 - 1000);
    const [request] = http.requests;
    assert.equal(
      request!.search,
      `?api-version=2017-09-01&resource=${encodeURIComponent(RESOURCE)}&clientid=default-ml-id`,
    );
    assert.equal(request!.headers.secret, "ml-secret");
    assert.equal(request!.headers.metadata, "true");
    await cred.close();
  });

  test("Azure ML with a user-assigned client id sends it as clientid", async () => {
    const cred = mi(
      {
        MSI_ENDPOINT: `${http.url}/ml`,
        MSI_SECRET: "ml-secret",
        DEFAULT_IDENTITY_CLIENT_ID: "default-ml-id",
      },
      { clientId: "mine" },
    );
    http.replies.push(tokenReply("t"));
    await cred.getToken(SCOPE);
    assert.equal(http.requests[0]!.query.clientid, "mine");
    await cred.close();
  });

  test("Cloud Shell: POST with Metadata: true and the form resource=…", async () => {
    const cred = mi({ MSI_ENDPOINT: `${http.url}/oauth2/token` });
    http.replies.push(tokenReply("shell-token"));
    assert.equal((await cred.getToken(SCOPE)).token, "shell-token");
    const [request] = http.requests;
    assert.equal(request!.method, "POST");
    assert.equal(request!.body, `resource=${encodeURIComponent(RESOURCE)}`);
    assert.equal(request!.headers.metadata, "true");
    assert.match(String(request!.headers["content-type"]), /^application\/x-www-form-urlencoded/);
    await cred.close();
  });

  test("Azure Arc: 401 challenge, key file from the token directory sent as Authorization: Basic", async () => {
    const keyFile = join(keyDir, "agent.key");
    writeFileSync(keyFile, "arc-key-contents-0123");
    const cred = mi(
      { IDENTITY_ENDPOINT: `${http.url}/metadata/identity/oauth2/token`, IMDS_ENDPOINT: http.url },
      { arcKeyDirectory: keyDir },
    );
    http.replies.push(
      { status: 401, headers: { "WWW-Authenticate": `Basic realm=${keyFile}` } },
      tokenReply("arc-token"),
    );
    assert.equal((await cred.getToken(SCOPE)).token, "arc-token");
    assert.equal(http.requests.length, 2);
    for (const request of http.requests) {
      assert.equal(
        request.search,
        `?api-version=2020-06-01&resource=${encodeURIComponent(RESOURCE)}`,
      );
      assert.equal(request.headers.metadata, "true");
    }
    assert.equal(http.requests[0]!.headers.authorization, undefined);
    assert.equal(http.requests[1]!.headers.authorization, "Basic arc-key-contents-0123");
    await cred.close();
  });

  test("token exchange: AZURE_FEDERATED_TOKEN_FILE + client + tenant → workload identity at Entra", async () => {
    const entra = await FakeEntra.start();
    const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    entra.register({ clientId: "wi-client", tenantId: tenant });
    const file = join(keyDir, "federated-token");
    writeFileSync(file, "federated.jwt.value");
    const cred = mi(
      { AZURE_FEDERATED_TOKEN_FILE: file, AZURE_CLIENT_ID: "wi-client", AZURE_TENANT_ID: tenant },
      { authorityHost: entra.url, tlsOptions: TEST_TLS },
    );
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_client",
      message: /AADSTS50027/,
    });
    assert.equal(entra.tokenRequests.length, 1);
    assert.equal(entra.tokenRequests[0]!.form.client_assertion, "federated.jwt.value");
    assert.equal(entra.tokenRequests[0]!.form.client_id, "wi-client");
    assert.equal(http.requests.length, 0);
    await cred.close();
    await entra.close();
  });

  test("100 concurrent getToken calls make 1 request to the endpoint", async () => {
    const cred = mi(podIdentity());
    http.replies.push(tokenReply("shared"));
    const tokens = await Promise.all(Array.from({ length: 100 }, () => cred.getToken(SCOPE)));
    assert.equal(http.requests.length, 1);
    assert.ok(tokens.every((t) => t.token === "shared"));
    await cred.close();
  });

  test('a token of 2 h or more refreshes at half-life; "/.default" is stripped', async () => {
    const cred = mi(podIdentity());
    const start = Date.now();
    http.replies.push(tokenReply("long", { expires_on: Math.floor(start / 1000) + 24 * 3600 }));
    const token = await cred.getToken("https://management.azure.com/.default");
    assert.equal(http.requests[0]!.query.resource, "https://management.azure.com");
    const half = start + 12 * 3600_000;
    assert.ok(
      token.refreshAfterTimestamp! >= half - 2000 && token.refreshAfterTimestamp! <= half + 2000,
    );
    await cred.close();
  });

  test("managed-identity requests ignore HTTPS_PROXY / HTTP_PROXY", async () => {
    const cred = mi({
      ...podIdentity(),
      HTTP_PROXY: "http://127.0.0.1:9",
      HTTPS_PROXY: "http://127.0.0.1:9",
    });
    http.replies.push(tokenReply("direct"));
    assert.equal((await cred.getToken(SCOPE)).token, "direct");
    await cred.close();
  });
});

describe("ManagedIdentityCredential: Service Fabric pins the endpoint certificate", () => {
  let sf: FakeEndpoint;
  let impostor: FakeEndpoint;
  const sha1 = readFixture("tls/service_fabric.sha1.txt").trim();
  const sha256 = readFixture("tls/service_fabric.sha256.txt").trim();
  before(async () => {
    sf = await FakeEndpoint.start({ tls: "service_fabric" });
    impostor = await FakeEndpoint.start({ tls: "server" });
  });
  after(async () => {
    assert.deepEqual([...sf.unexpected, ...impostor.unexpected], []);
    await sf.close();
    await impostor.close();
  });
  const sfEnv = (endpoint: string, thumbprint: string) => ({
    IDENTITY_ENDPOINT: `${endpoint}/metadata/identity/oauth2/token`,
    IDENTITY_HEADER: "sf-secret",
    IDENTITY_SERVER_THUMBPRINT: thumbprint,
  });

  for (const [kind, thumbprint] of [
    ["SHA-1", sha1],
    ["SHA-256 (lower case, colons)", sha256.toLowerCase().match(/../g)!.join(":")],
  ] as const) {
    test(`the pinned ${kind} thumbprint is trusted: api-version 2019-07-01-preview and the secret header`, async () => {
      const cred = mi(sfEnv(sf.url, thumbprint));
      sf.replies.push(tokenReply("sf-token", { expires_on: Math.floor(Date.now() / 1000) + 3600 }));
      assert.equal((await cred.getToken(SCOPE)).token, "sf-token");
      const request = sf.requests.at(-1)!;
      assert.equal(
        request.search,
        `?api-version=2019-07-01-preview&resource=${encodeURIComponent(RESOURCE)}`,
      );
      assert.equal(request.headers.secret, "sf-secret");
      await cred.close();
    });
  }

  test("an endpoint presenting another certificate (even a CA-trusted one) is refused before anything is sent", async () => {
    const cred = mi(sfEnv(impostor.url, sha1));
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_SERVER_CERT_MISMATCH",
      message: /^ManagedIdentityCredential: Service Fabric: .*not the pinned B026|not the pinned/,
    });
    assert.equal(impostor.requests.length, 0);
    assertNoSecret(error, "sf-secret");
    await cred.close();
  });

  test("a user-assigned id on Service Fabric fails at construction", () => {
    throwsWith(() => mi(sfEnv(sf.url, sha1), { clientId: "x" }), {
      class: CredentialUnavailableError,
      code: "ERR_USER_ASSIGNED_UNSUPPORTED",
      message: /^ManagedIdentityCredential: .*Service Fabric/,
    });
  });
});

describe("ManagedIdentityCredential: retries and faults", () => {
  test("500 then 200: retried", async () => {
    const cred = mi(podIdentity());
    http.replies.push({ status: 500, body: "busy" }, tokenReply("second"));
    assert.equal((await cred.getToken(SCOPE)).token, "second");
    assert.equal(http.requests.length, 2);
    await cred.close();
  });

  for (const status of [404, 410]) {
    test(`${status} is retried per policy`, async () => {
      const cred = mi(podIdentity());
      http.replies.push({ status, body: "" }, { status, body: "" }, tokenReply(`after-${status}`));
      assert.equal((await cred.getToken(SCOPE)).token, `after-${status}`);
      assert.equal(http.requests.length, 3);
      await cred.close();
    });
  }

  test("429 with Retry-After waits as asked", async () => {
    const cred = mi(podIdentity(), { retryOptions: { retryDelayInMs: 1, maxRetries: 2 } });
    http.replies.push(
      { status: 429, headers: { "Retry-After": "1" }, body: "slow down" },
      tokenReply("patient"),
    );
    const started = Date.now();
    assert.equal((await cred.getToken(SCOPE)).token, "patient");
    assert.ok(Date.now() - started >= 900, `waited ${Date.now() - started} ms`);
    await cred.close();
  });

  test("persistent 500: gives up after maxRetries with the service message", async () => {
    const cred = mi(podIdentity());
    for (let i = 0; i < 4; i++)
      http.replies.push({
        status: 500,
        body: { error: "server_error", error_description: "IMDS is sad" },
      });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "server_error",
      message:
        /^ManagedIdentityCredential: IMDS refused the token request with HTTP 500.*IMDS is sad/,
    });
    assert.equal(http.requests.length, 4);
    await cred.close();
  });

  test("a secret header or Arc key echoed in an error body never reaches the message", async () => {
    const header = "app-service-header-0123";
    const app = mi({ IDENTITY_ENDPOINT: `${http.url}/msi/token`, IDENTITY_HEADER: header });
    http.replies.push({
      status: 401,
      body: { error: "unauthorized", error_description: `header ${header} is not valid` },
    });
    const appError = await rejectsWith(app.getToken(SCOPE), {
      class: AuthenticationError,
      code: "unauthorized",
      message: /header \[REDACTED\] is not valid/,
    });
    assert.doesNotMatch(appError.message, new RegExp(header));
    await app.close();

    const key = "arc-key-echoed-4567";
    writeFileSync(join(keyDir, "echo.key"), key);
    const arc = mi(
      { IDENTITY_ENDPOINT: `${http.url}/metadata/identity/oauth2/token`, IMDS_ENDPOINT: http.url },
      { arcKeyDirectory: keyDir },
    );
    http.replies.push(
      { status: 401, headers: { "WWW-Authenticate": `Basic realm=${join(keyDir, "echo.key")}` } },
      { status: 403, body: `key ${key} refused` },
    );
    const arcError = await rejectsWith(arc.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_HTTP_STATUS",
      message: /HTTP 403.*key \[REDACTED\] refused/,
    });
    assert.doesNotMatch(arcError.message, new RegExp(key));
    await arc.close();
  });

  test('400 "identity not found": unavailable, not retried', async () => {
    const cred = mi(podIdentity(), { clientId: "nope" });
    http.replies.push({
      status: 400,
      body: { error: "invalid_request", error_description: "Identity not found" },
    });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_IDENTITY_NOT_FOUND",
      message: /requested identity has not been assigned.*Identity not found/,
    });
    assert.equal(http.requests.length, 1);
    await cred.close();
  });

  test("a non-JSON 2xx means this is no managed-identity endpoint: unavailable", async () => {
    const cred = mi(podIdentity());
    http.replies.push({ status: 200, body: "<html>captive portal</html>" });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_RESPONSE_NOT_JSON",
      message: /IMDS answered with a body that is not JSON.*captive portal/,
    });
    await cred.close();
  });

  test('Docker Desktop\'s 403 "unreachable" means unavailable', async () => {
    const cred = mi(podIdentity());
    http.replies.push({
      status: 403,
      body: "connecting to 169.254.169.254:80: connectex: A socket operation was attempted to an unreachable network.",
    });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_IMDS_UNAVAILABLE",
      message: /unreachable/,
    });
    await cred.close();
  });

  test("the IMDS probe gives up after its timeout on an endpoint that never answers", async () => {
    const silent = await FakeEndpoint.start({ fallback: { hang: true } });
    const cred = mi({}, { imdsHost: silent.url, sendProbeRequest: true });
    const started = Date.now();
    await rejectsWith(cred.getToken(SCOPE, { requestOptions: { timeout: 200 } }), {
      class: CredentialUnavailableError,
      code: "ERR_IMDS_UNAVAILABLE",
      message: /IMDS endpoint is not available/,
    });
    assert.ok(Date.now() - started < 1000);
    assert.equal(silent.requests.length, 1);
    await cred.close();
    await silent.close();
  });

  test("a negative requestOptions.timeout is refused naming it; nothing is sent", async () => {
    const cred = mi(podIdentity());
    await rejectsWith(cred.getToken(SCOPE, { requestOptions: { timeout: -1 } }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /^ManagedIdentityCredential: "requestOptions\.timeout" must be a positive number/,
    });
    assert.equal(http.requests.length, 0);
    await cred.close();
  });

  test("a missing IDENTITY_HEADER: unavailable with the reason, nothing sent", async () => {
    const cred = mi({ IDENTITY_ENDPOINT: `${http.url}/msi/token` });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_MANAGED_IDENTITY_CONFIG",
      message: /IDENTITY_HEADER is not/,
    });
    assert.equal(http.requests.length, 0);
  });

  test("a malformed IDENTITY_ENDPOINT: unavailable with the reason", async () => {
    const cred = mi({ IDENTITY_ENDPOINT: "not a url", IDENTITY_HEADER: "h" });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_MANAGED_IDENTITY_CONFIG",
      message: /IDENTITY_ENDPOINT is not a valid URL/,
    });
  });

  test("two scopes: a clear argument error", async () => {
    const cred = mi(podIdentity());
    await rejectsWith(cred.getToken([SCOPE, "https://graph.microsoft.com/.default"]), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /one resource at a time, but 2 scopes/,
    });
  });

  test("more than one of clientId, resourceId, objectId: argument error", () => {
    throwsWith(() => mi(podIdentity(), { clientId: "a", objectId: "b" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /at most one of "clientId", "resourceId" and "objectId"/,
    });
  });

  for (const [where, env, id] of [
    ["Cloud Shell", { MSI_ENDPOINT: "http://127.0.0.1:1/token" }, { clientId: "x" }],
    [
      "Azure ML",
      { MSI_ENDPOINT: "http://127.0.0.1:1/token", MSI_SECRET: "s" },
      { resourceId: "/r" },
    ],
    [
      "Azure Arc",
      { IDENTITY_ENDPOINT: "http://127.0.0.1:1/token", IMDS_ENDPOINT: "http://127.0.0.1:1" },
      { objectId: "o" },
    ],
  ] as const) {
    test(`a user-assigned id on ${where} fails at construction`, () => {
      throwsWith(() => mi(env, id), {
        class: CredentialUnavailableError,
        code: "ERR_USER_ASSIGNED_UNSUPPORTED",
        message: new RegExp(`cannot be used on ${where}`),
      });
    });
  }
});

describe("ManagedIdentityCredential: Azure Arc key-file rules", () => {
  const arcEnv = () => ({
    IDENTITY_ENDPOINT: `${http.url}/metadata/identity/oauth2/token`,
    IMDS_ENDPOINT: http.url,
  });
  const challenge = (path: string) => ({
    status: 401,
    headers: { "WWW-Authenticate": `Basic realm=${path}` },
  });

  test("a challenge pointing outside the token directory is refused", async () => {
    const outside = mkdtempSync(join(tmpdir(), "entra-zero-elsewhere-"));
    writeFileSync(join(outside, "evil.key"), "outside-secret");
    const cred = mi(arcEnv(), { arcKeyDirectory: keyDir });
    http.replies.push(challenge(join(outside, "evil.key")));
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_ARC_KEY_FILE",
      message: /not in the agent's token directory/,
    });
    http.replies.push(challenge(join(keyDir, "..", "escape.key")));
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_ARC_KEY_FILE",
      message: /not in the agent's token directory/,
    });
    assert.equal(http.requests.length, 2);
    rmSync(outside, { recursive: true, force: true });
    await cred.close();
  });

  test("a .txt key file is refused", async () => {
    writeFileSync(join(keyDir, "agent.txt"), "text");
    const cred = mi(arcEnv(), { arcKeyDirectory: keyDir });
    http.replies.push(challenge(join(keyDir, "agent.txt")));
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_ARC_KEY_FILE",
      message: /does not end in "\.key"/,
    });
    await cred.close();
  });

  test("a 5 KB key file is refused without its contents in the message", async () => {
    const big = "K".repeat(5 * 1024);
    writeFileSync(join(keyDir, "big.key"), big);
    const cred = mi(arcEnv(), { arcKeyDirectory: keyDir });
    http.replies.push(challenge(join(keyDir, "big.key")));
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_ARC_KEY_FILE",
      message: /5120 bytes, over the 4096-byte limit/,
    });
    assertNoSecret(error, big);
    assert.equal(http.requests.length, 1);
    await cred.close();
  });

  test("a key file with a line break inside was sent as a header and crashed the request: refused, contents not shown", async () => {
    const key = "arc-key-first-line\nInjected: 1";
    writeFileSync(join(keyDir, "broken.key"), key);
    const cred = mi(arcEnv(), { arcKeyDirectory: keyDir });
    http.replies.push(challenge(join(keyDir, "broken.key")));
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message:
        /^ManagedIdentityCredential: Azure Arc: the key file .*broken\.key holds a line break/,
    });
    assertNoSecret(error, "arc-key-first-line");
    assert.equal(http.requests.length, 1, "nothing sent with the bad key");
    await cred.close();
  });

  test("a hard link in the token directory to a file outside is refused, its content unsent", async () => {
    const outside = mkdtempSync(join(tmpdir(), "entra-zero-elsewhere-"));
    const secret = "outside-secret-via-hard-link";
    writeFileSync(join(outside, "target"), secret);
    linkSync(join(outside, "target"), join(keyDir, "linked.key"));
    const cred = mi(arcEnv(), { arcKeyDirectory: keyDir });
    http.replies.push(challenge(join(keyDir, "linked.key")));
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_ARC_KEY_FILE",
      message: /linked\.key" \(a hard link: the file has 2 names\); refusing/,
    });
    assertNoSecret(error, secret);
    assert.equal(http.requests.length, 1);
    rmSync(outside, { recursive: true, force: true });
    await cred.close();
  });

  test("a symbolic link or a named pipe as the key file is refused at once", async () => {
    symlinkSync("/etc/hostname", join(keyDir, "symlink.key"));
    execFileSync("mkfifo", [join(keyDir, "pipe.key")]);
    const cred = mi(arcEnv(), { arcKeyDirectory: keyDir });
    for (const [name, why] of [
      ["symlink.key", "a symbolic link"],
      ["pipe.key", "not a regular file"],
    ]) {
      http.replies.push(challenge(join(keyDir, name!)));
      await rejectsWith(cred.getToken(SCOPE), {
        class: AuthenticationError,
        code: "ERR_ARC_KEY_FILE",
        message: new RegExp(`${name}" \\(${why}\\)`),
      });
    }
    assert.equal(http.requests.length, 2);
    await cred.close();
  });

  test("a 401 without a Basic realm challenge is refused", async () => {
    const cred = mi(arcEnv(), { arcKeyDirectory: keyDir });
    http.replies.push({ status: 401, body: "no" });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_ARC_CHALLENGE",
      message: /no WWW-Authenticate header/,
    });
    await cred.close();
  });
});

describe("ManagedIdentityCredential: abort", () => {
  test("abortSignal stops a retry wait at once", async () => {
    const cred = mi(podIdentity(), { retryOptions: { retryDelayInMs: 10_000, maxRetries: 3 } });
    http.replies.push({ status: 503, body: "" });
    const controller = new AbortController();
    const pending = cred.getToken(SCOPE, { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await rejectsWith(pending, {
      class: Error,
      name: "AbortError",
      code: "ERR_ABORTED",
      message: /^ManagedIdentityCredential: the operation was aborted/,
    });
    assert.ok(Date.now() - started < 1000);
    await cred.close();
  });
});

describe("ManagedIdentityCredential: replies that echo the request's secrets", () => {
  const logged = () => {
    const lines: string[] = [];
    const loggingOptions = {
      logLevel: "verbose",
      logger: (_: string, line: string) => lines.push(line),
    };
    return { lines, loggingOptions };
  };
  /** A reply echoing `secret` raw, JSON-escaped and percent-encoded, in every field and the body. */
  const echo = (status: number, secret: string) => {
    const json = JSON.stringify(secret).slice(1, -1);
    const encoded = encodeURIComponent(secret);
    if (status === 200) return { status, body: `not json: ${secret} "${json}" ${encoded}` };
    const body = JSON.stringify({
      error: `bad_${secret}`,
      error_description: `you sent ${secret}, "${json.replaceAll("/", "\\/")}" and ${encoded}`,
      trace_id: secret,
      correlation_id: encoded.toLowerCase(),
      timestamp: `${secret}Z`,
    });
    return { status, body, headers: { "Content-Type": "application/json" } };
  };
  const expected = (status: number) =>
    status === 400
      ? {
          class: CredentialUnavailableError,
          code: "ERR_IDENTITY_NOT_FOUND",
          message:
            /HTTP 400\. .*Service message: you sent \[REDACTED\], "\[REDACTED\]" and \[REDACTED\]$/,
        }
      : status === 200
        ? {
            class: CredentialUnavailableError,
            code: "ERR_RESPONSE_NOT_JSON",
            message: /body starting "not json: \[REDACTED\] \\"\[REDACTED\]\\" \[REDACTED\]"/,
          }
        : {
            class: AuthenticationError,
            code: "bad_[REDACTED]",
            message: new RegExp(
              `refused the token request with HTTP ${status} \\(bad_\\[REDACTED\\]\\): you sent \\[REDACTED\\]`,
            ),
          };

  for (const [kind, secret] of [
    ["GUID-like", "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"],
    ["short", "h3"],
    ["with characters that JSON and URLs escape", 'id/0+"x" %'],
  ] as const) {
    for (const [variable, env] of [
      ["IDENTITY_HEADER", { IDENTITY_ENDPOINT: `/msi/token`, IDENTITY_HEADER: secret }],
      ["MSI_SECRET", { MSI_ENDPOINT: `/msi/token`, MSI_SECRET: secret }],
    ] as const) {
      for (const status of [400, 401, 403, 500, 200]) {
        test(`a ${kind} ${variable} echoed in an HTTP ${status} reply appeared verbatim`, async () => {
          const { lines, loggingOptions } = logged();
          const endpoint = Object.fromEntries(
            Object.entries(env).map(([k, v]) => [k, k.endsWith("ENDPOINT") ? http.url + v : v]),
          );
          const cred = mi(endpoint, { loggingOptions });
          for (let i = 0; i < 4; i++) http.replies.push(() => echo(status, secret));
          const error = await rejectsWith(cred.getToken(SCOPE), expected(status));
          assertSecretNowhere(error, secret, lines);
          http.reset();
          await cred.close();
        });
      }
    }
  }

  for (const status of [401, 403, 500, 200]) {
    test(`the Azure Arc key echoed in an HTTP ${status} reply appeared verbatim`, async () => {
      const key = "4a1f0c9e8d7b6a5f4e3d2c1b0a9f8e7d";
      writeFileSync(join(keyDir, "echoed.key"), key);
      const { lines, loggingOptions } = logged();
      const cred = mi(
        {
          IDENTITY_ENDPOINT: `${http.url}/metadata/identity/oauth2/token`,
          IMDS_ENDPOINT: http.url,
        },
        { arcKeyDirectory: keyDir, loggingOptions },
      );
      http.replies.push({
        status: 401,
        headers: { "WWW-Authenticate": `Basic realm=${join(keyDir, "echoed.key")}` },
      });
      for (let i = 0; i < 4; i++) http.replies.push(() => echo(status, key));
      const error = await rejectsWith(cred.getToken(SCOPE), expected(status));
      assertSecretNowhere(error, key, lines);
      assert.equal(http.requests[1]?.headers.authorization, `Basic ${key}`);
      http.reset();
      await cred.close();
    });
  }

  test("a secret cut by the body's quoted window was no longer redacted: its head leaked", async () => {
    // The JWT-like prefix shrinks to "[REDACTED]", which pulled the secret's cut head into view.
    const header = "c0ffee:1234:5678:9abc:def0:1234:5678:9abc";
    const { lines, loggingOptions } = logged();
    const cred = mi(
      { IDENTITY_ENDPOINT: `${http.url}/msi`, IDENTITY_HEADER: header },
      { loggingOptions },
    );
    http.replies.push({ status: 200, body: `${"eyJ".padEnd(300, "a")} ${header} tail` });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_RESPONSE_NOT_JSON",
      message: /body starting "\[REDACTED\] \[REDACTED\] tail"/,
    });
    assertSecretNowhere(error, header.slice(0, 12), lines);
    await cred.close();
  });

  test("Node's rawPacket on a cause carried the reply bytes, which echoed the secret header", async () => {
    const header = "raw-packet-identity-header";
    const raw = createServer((socket) =>
      socket.once("data", (request) => {
        const echoed = /x-identity-header: ([^\r]*)/i.exec(request.toString())?.[1];
        socket.end(`HTTP/1.1 200 OK\r\nX-Echo: ${echoed}\r\nnot a header line\r\n\r\n`);
      }),
    );
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/msi`;
    const { lines, loggingOptions } = logged();
    const cred = mi({ IDENTITY_ENDPOINT: url, IDENTITY_HEADER: header }, { loggingOptions });
    try {
      const error = await rejectsWith(cred.getToken(SCOPE), {
        class: CredentialUnavailableError,
        code: "ERR_NETWORK",
        message:
          /no response from the App Service endpoint: could not reach 127\.0\.0\.1:\d+: HPE_/,
      });
      assertSecretNowhere(error, header, lines);
    } finally {
      await cred.close();
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  const reply = (fields: Record<string, unknown>) => ({
    status: 200,
    body: { access_token: "t", token_type: "Bearer", ...fields },
  });
  for (const [name, fields, message] of [
    [
      "expires_on of 400 digits read as Infinity and was accepted",
      { expires_on: "9".repeat(400) },
      /"expires_on" must be epoch seconds or a date, at most a year ahead/,
    ],
    ["expires_on 1e303 was accepted", { expires_on: 1e303 }, /"expires_on" must be/],
    [
      "an expires_on date in year 275760 was accepted",
      { expires_on: "+275760-09-13T00:00:00Z" },
      /"expires_on" must be/,
    ],
    [
      "expires_in 1e303 was accepted",
      { expires_in: 1e303 },
      /"expires_in" must be seconds, at most a year/,
    ],
  ] as const) {
    test(name, async () => {
      const cred = mi(podIdentity());
      http.replies.push(reply(fields));
      await rejectsWith(cred.getToken(SCOPE), {
        class: AuthenticationError,
        code: "ERR_RESPONSE_INVALID",
        message,
      });
      await cred.close();
    });
  }
});

describe("ManagedIdentityCredential: header values HTTP forbids are refused where they enter", () => {
  test("a userAgentPrefix with a line break: an argument error at construction", () => {
    throwsWith(() => mi(podIdentity(), { userAgentOptions: { userAgentPrefix: "app\r\n" } }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /^ManagedIdentityCredential: "userAgentOptions\.userAgentPrefix" holds a line break/,
    });
  });

  for (const [name, env] of [
    ["IDENTITY_HEADER", { IDENTITY_ENDPOINT: "http://127.0.0.1:1/msi/token" }],
    ["MSI_SECRET", { MSI_ENDPOINT: "http://127.0.0.1:1/msi/token" }],
  ] as const) {
    test(`${name} with a line break inside: an argument error naming the variable, not its value`, () => {
      const secret = "first-half-of-secret\r\nsecond-half";
      const error = throwsWith(() => mi({ ...env, [name]: secret }), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: new RegExp(
          `^ManagedIdentityCredential: the environment variable ${name} holds a line break`,
        ),
      });
      assertNoSecret(error, "first-half-of-secret");
    });
  }
});

describe('ManagedIdentityCredential: says "not here" quickly', () => {
  async function refusedUrl(): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
  }

  for (const [where, env] of [
    [
      "App Service",
      (url: string) => ({ IDENTITY_ENDPOINT: `${url}/msi/token`, IDENTITY_HEADER: "h" }),
    ],
    ["pod identity", (url: string) => ({ AZURE_POD_IDENTITY_AUTHORITY_HOST: url })],
    [
      "Azure Arc",
      (url: string) => ({
        IDENTITY_ENDPOINT: `${url}/metadata/identity/oauth2/token`,
        IMDS_ENDPOINT: url,
      }),
    ],
  ] as const) {
    test(`a refused ${where} endpoint on loopback took 16-22 s of retries: now unavailable in under 3 s`, async () => {
      const cred = mi(env(await refusedUrl()), { retryOptions: undefined });
      const started = performance.now();
      await rejectsWith(cred.getToken(SCOPE), {
        class: CredentialUnavailableError,
        code: "ERR_NETWORK",
        message:
          /^ManagedIdentityCredential: no response from the .* endpoint: could not reach 127\.0\.0\.1:\d+: ECONNREFUSED/,
      });
      const elapsed = performance.now() - started;
      console.log(`# refused ${where} endpoint: unavailable after ${Math.round(elapsed)} ms`);
      assert.ok(elapsed < 3000, `took ${elapsed} ms`);
      await cred.close();
    });
  }

  test("requestOptions.timeout of 500 ms still gave ~20 s of retries: it now bounds the whole call", async () => {
    const cred = mi(podIdentity(), { retryOptions: undefined });
    http.replies.push(
      { status: 503, body: "" },
      { status: 503, body: "" },
      { status: 503, body: "" },
    );
    const started = performance.now();
    await rejectsWith(cred.getToken(SCOPE, { requestOptions: { timeout: 500 } }), {
      class: AuthenticationError,
      code: "ERR_HTTP_STATUS",
      message: /HTTP 503/,
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1500, `took ${elapsed} ms`);
    assert.ok(http.requests.length <= 2, `${http.requests.length} requests within 500 ms`);
    http.reset();
    await cred.close();
  });

  test("an endpoint that accepts but never answers: requestOptions.timeout bounds the whole call", async () => {
    const cred = mi(podIdentity(), { retryOptions: undefined });
    http.replies.push({ hang: true }, { hang: true });
    const started = performance.now();
    await rejectsWith(cred.getToken(SCOPE, { requestOptions: { timeout: 500 } }), {
      class: CredentialUnavailableError,
      code: "ERR_TIMEOUT",
      message:
        /^ManagedIdentityCredential: no response from the IMDS endpoint: no complete response from 127\.0\.0\.1:\d+ within 500 ms/,
    });
    const elapsed = performance.now() - started;
    console.log(`# hanging endpoint, timeout 500 ms: ERR_TIMEOUT after ${Math.round(elapsed)} ms`);
    assert.ok(elapsed >= 450 && elapsed < 1500, `took ${elapsed} ms`);
    assert.equal(http.requests.length, 1);
    http.reset();
    await cred.close();
  });
});
