import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { FakeEndpoint } from "../support/fake_endpoint.js";
import { FakeEntra } from "../support/fake_entra.js";
import { FEDERATION_CERTIFICATE, federatedToken } from "../support/federated_token.js";
import { TEST_TLS } from "../support/fixtures.js";
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
  AzurePipelinesCredential,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "a2e50000-0000-4000-8000-0000000000b1";
const CONNECTION = "5d2a1c3b-0000-4000-8000-00000000c0de";
const SYSTEM_TOKEN = "system-access-token-0123456789abcdef";
const SCOPE = "https://management.azure.com/.default";

let entra: FakeEntra;
let oidc: FakeEndpoint;

function credential(
  env: NodeJS.ProcessEnv = {
    SYSTEM_OIDCREQUESTURI: `${oidc.url}/proj/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken`,
  },
): AzurePipelinesCredential {
  return new AzurePipelinesCredential(TENANT, CLIENT, CONNECTION, SYSTEM_TOKEN, {
    authorityHost: entra.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { retryDelayInMs: 1 },
    env,
  } as object);
}

before(async () => {
  entra = await FakeEntra.start();
  entra.register({ clientId: CLIENT, tenantId: TENANT, certificates: [FEDERATION_CERTIFICATE] });
  oidc = await FakeEndpoint.start({ tls: "server" });
});
after(async () => {
  assert.deepEqual([...entra.unexpected, ...oidc.unexpected], []);
  await entra.close();
  await oidc.close();
});
beforeEach(() => {
  entra.requests.length = 0;
  oidc.reset();
});

describe("AzurePipelinesCredential", () => {
  test("behind HTTPS_PROXY both the OIDC request and the token request go through the tunnel", async () => {
    const { ConnectProxy } = await import("../support/connect_proxy.js");
    const proxy = await ConnectProxy.start();
    try {
      const cred = credential({
        SYSTEM_OIDCREQUESTURI: `${oidc.url}/proj/_apis/oidctoken`,
        HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`,
      });
      oidc.replies.push({
        status: 200,
        body: { oidcToken: federatedToken(CLIENT, entra.tokenEndpoint(TENANT)) },
      });
      await cred.getToken(SCOPE);
      assert.deepEqual(
        proxy.tunnels.map((t) => t.target).sort(),
        [new URL(oidc.url).host, new URL(entra.url).host].sort(),
      );
      await cred.close();
    } finally {
      await proxy.close();
    }
  });

  test("POSTs the OIDC request, then presents oidcToken as the client assertion", async () => {
    const cred = credential();
    const idToken = federatedToken(CLIENT, entra.tokenEndpoint(TENANT));
    oidc.replies.push({ status: 200, body: { oidcToken: idToken } });
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, entra.issuedTokens.at(-1));
    const [request] = oidc.requests;
    assert.equal(request!.method, "POST");
    assert.equal(request!.path, "/proj/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken");
    assert.equal(request!.search, `?api-version=7.1&serviceConnectionId=${CONNECTION}`);
    assert.equal(request!.headers.authorization, `Bearer ${SYSTEM_TOKEN}`);
    assert.equal(request!.headers["x-tfs-fedauthredirect"], "Suppress");
    assert.equal(request!.headers["content-type"], "application/json");
    assert.equal(entra.tokenRequests[0]!.form.client_assertion, idToken);
    await cred.getToken(SCOPE);
    assert.equal(oidc.requests.length, 1, "the second call is served from the cache");
    await cred.close();
  });

  test("an HTML sign-in page instead of oidcToken: status, headers named, no system token", async () => {
    const cred = credential();
    oidc.replies.push({
      status: 200,
      body: "<html><title>Azure DevOps Services | Sign In</title></html>",
      headers: {
        "Content-Type": "text/html",
        "x-vss-e2eid": "e2e-123",
        "x-msedge-ref": "Ref A: 42",
      },
    });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_OIDC_RESPONSE",
      message:
        /^AzurePipelinesCredential: the OIDC token response is not JSON, so it has no oidcToken \(HTTP 200, content-type text\/html, body starting .*Sign In.*, x-vss-e2eid e2e-123, x-msedge-ref Ref A: 42\)/,
    });
    assertNoSecret(error, SYSTEM_TOKEN);
    assert.equal(entra.tokenRequests.length, 0);
    await cred.close();
  });

  test("JSON without oidcToken", async () => {
    const cred = credential();
    oidc.replies.push({ status: 200, body: { message: "nothing here" } });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_OIDC_RESPONSE",
      message: /has no oidcToken field \(HTTP 200/,
    });
    await cred.close();
  });

  test("a 401 names the status and diagnostics headers, never the system access token", async () => {
    const cred = credential();
    oidc.replies.push({
      status: 401,
      body: `{"message":"token ${SYSTEM_TOKEN} is invalid"}`,
      headers: { "x-vss-e2eid": "e2e-401" },
    });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_OIDC_RESPONSE",
      message: /the OIDC token request failed \(HTTP 401, .*x-vss-e2eid e2e-401, x-msedge-ref none/,
    });
    assert.equal((error as AuthenticationError).statusCode, 401);
    assertNoSecret(error, SYSTEM_TOKEN);
    await cred.close();
  });

  for (const [kind, systemToken] of [
    ["GUID-like", "0f8fad5b-d9cb-469f-a165-70867728950e"],
    ["short", "q7"],
    ["with characters that JSON and URLs escape", 'sat/0+"x" é'],
  ] as const) {
    for (const status of [400, 401, 403, 500, 200]) {
      test(`a ${kind} system access token echoed in an HTTP ${status} body and headers appeared verbatim`, async () => {
        const lines: string[] = [];
        const cred = new AzurePipelinesCredential(TENANT, CLIENT, CONNECTION, systemToken, {
          authorityHost: entra.url,
          disableInstanceDiscovery: true,
          tlsOptions: TEST_TLS,
          retryOptions: { retryDelayInMs: 1, maxRetries: 0 },
          loggingOptions: {
            logLevel: "verbose",
            logger: (_: string, line: string) => lines.push(line),
          },
          env: { SYSTEM_OIDCREQUESTURI: `${oidc.url}/proj/_apis/oidctoken` },
        } as object);
        oidc.replies.push((request) => {
          const echoed = String(request.headers.authorization).slice("Bearer ".length);
          const json = JSON.stringify(echoed).slice(1, -1);
          const escaped = encodeURIComponent(echoed);
          return {
            status,
            headers: {
              "Content-Type": `text/plain; echo=${escaped}`,
              "x-vss-e2eid": escaped,
              "x-msedge-ref": `Ref ${escaped.toLowerCase()}`,
            },
            body: `${"eyJ".padEnd(300, "a")} ${echoed} "${json}" ${escaped} token=${echoed}`,
          };
        });
        const error = await rejectsWith(cred.getToken(SCOPE), {
          class: AuthenticationError,
          code: "ERR_OIDC_RESPONSE",
          message: new RegExp(
            `\\(HTTP ${status}, content-type text/plain; echo=\\[REDACTED\\], body starting "\\[REDACTED\\] \\[REDACTED\\] .*, x-vss-e2eid \\[REDACTED\\], x-msedge-ref Ref \\[REDACTED\\]\\)`,
          ),
        });
        assertSecretNowhere(error, systemToken, lines);
        assert.equal(entra.tokenRequests.length, 0);
        await cred.close();
      });
    }
  }

  test("outside a pipeline (no SYSTEM_OIDCREQUESTURI): unavailable at construction", () => {
    throwsWith(() => credential({}), {
      class: CredentialUnavailableError,
      code: "ERR_CREDENTIAL_UNAVAILABLE",
      message: /^AzurePipelinesCredential: SYSTEM_OIDCREQUESTURI is not set/,
    });
  });

  test("a missing system access token is an argument error that does not echo values", () => {
    throwsWith(
      () => new AzurePipelinesCredential(TENANT, CLIENT, CONNECTION, "", { env: {} } as object),
      {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /"systemAccessToken" is required/,
      },
    );
  });

  test("a systemAccessToken with a trailing line break crashed the request: refused at construction, not echoed", () => {
    const token = `${SYSTEM_TOKEN}\n`;
    const error = throwsWith(
      () => new AzurePipelinesCredential(TENANT, CLIENT, CONNECTION, token, { env: {} } as object),
      {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /^AzurePipelinesCredential: "systemAccessToken" holds a line break/,
      },
    );
    assertNoSecret(error, SYSTEM_TOKEN);
  });
});

describe("AzurePipelinesCredential: the OIDC request obeys the getToken call", () => {
  async function arrived(count: number): Promise<void> {
    while (oidc.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  test("requestOptions.timeout was ignored by the OIDC request: a hanging endpoint now times out", async () => {
    const cred = credential();
    oidc.replies.push({ hang: true }, { hang: true }, { hang: true }, { hang: true });
    const started = performance.now();
    await rejectsWith(cred.getToken(SCOPE, { requestOptions: { timeout: 300 } }), {
      class: AuthenticationError,
      code: "ERR_TIMEOUT",
      message:
        /^AzurePipelinesCredential: no complete response from 127\.0\.0\.1:\d+ within 300 ms/,
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 3000, `took ${elapsed} ms`);
    assert.equal(oidc.requests.length, 4, "the first attempt and 3 retries, each 300 ms");
    assert.equal(entra.tokenRequests.length, 0);
    await cred.close();
  });

  test("abortSignal was ignored by the OIDC request: aborting now stops it at once", async () => {
    const cred = credential();
    oidc.replies.push({ hang: true });
    const controller = new AbortController();
    const pending = cred.getToken(SCOPE, { abortSignal: controller.signal });
    await arrived(1);
    const started = performance.now();
    controller.abort();
    await rejectsWith(pending, {
      class: Error,
      name: "AbortError",
      code: "ERR_ABORTED",
      message: /^AzurePipelinesCredential: the operation was aborted/,
    });
    assert.ok(performance.now() - started < 1000);
    assert.equal(entra.tokenRequests.length, 0);
    await cred.close();
  });

  test("close() left the OIDC request hanging: it now stops it", async () => {
    const cred = credential();
    oidc.replies.push({ hang: true });
    const pending = cred.getToken(SCOPE);
    await arrived(1);
    const started = performance.now();
    await cred.close();
    await rejectsWith(pending, {
      class: Error,
      name: "AbortError",
      code: "ERR_ABORTED",
      message: /^AzurePipelinesCredential: the operation was aborted/,
    });
    assert.ok(performance.now() - started < 1000);
    assert.equal(oidc.requests.length, 1, "no retry after close()");
  });
});
