import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { linkSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../../lib/errors.js";
import { ManagedIdentityCredential } from "../../lib/credentials/managed_identity_credential.js";
import { FakeEndpoint, tokenReply } from "../support/fake_endpoint.js";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS, readFixture } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";

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
      sf.replies.push(tokenReply("sf-token", { expires_on: 1_900_000_000 }));
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
