import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { selectMembers } from "../../lib/credentials/default_selection.js";
import { FakeEndpoint } from "../support/fake_endpoint.js";
import { FakeEntra } from "../support/fake_entra.js";
import { FEDERATION_CERTIFICATE, federatedToken } from "../support/federated_token.js";
import { TEST_TLS } from "../support/fixtures.js";
import { assertSecretNowhere, rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AggregateAuthenticationError,
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
  GitHubActionsCredential,
  DefaultAzureCredential,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "9a1b0000-0000-4000-8000-00000000a0c7";
// Distinctive, as in spec/leak_scan.test.ts: any appearance of it is a leak.
const REQUEST_TOKEN = "GHA-REQ-TOKEN-zq81-leak-probe-7f3e";
const SCOPE = "https://management.azure.com/.default";

let entra: FakeEntra;
let oidc: FakeEndpoint;

function actionsEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: `${oidc.url}/_apis/distributedtask/hubs/Actions/plans/p/jobs/j/idtoken?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: CLIENT,
    ...extra,
  };
}

const common = () => ({
  authorityHost: entra.url,
  disableInstanceDiscovery: true,
  tlsOptions: TEST_TLS,
  retryOptions: { retryDelayInMs: 1, maxRetries: 0 },
});

function credential(env = actionsEnv(), lines: string[] = []): GitHubActionsCredential {
  return new GitHubActionsCredential({
    ...common(),
    loggingOptions: { logLevel: "verbose", logger: (_: string, line: string) => lines.push(line) },
    env,
  } as object);
}

const idTokenReply = () => ({
  status: 200,
  body: { count: 1, value: federatedToken(CLIENT, entra.tokenEndpoint(TENANT)) },
});

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

describe("GitHubActionsCredential", () => {
  test("GETs an ID token for api://AzureADTokenExchange, then presents it as the client assertion", async () => {
    const cred = credential();
    const reply = idTokenReply();
    oidc.replies.push(reply);
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, entra.issuedTokens.at(-1));
    const [request] = oidc.requests;
    assert.equal(request!.method, "GET");
    assert.equal(request!.path, "/_apis/distributedtask/hubs/Actions/plans/p/jobs/j/idtoken");
    assert.equal(request!.search, "?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange");
    assert.equal(request!.headers.authorization, `Bearer ${REQUEST_TOKEN}`);
    const form = entra.tokenRequests[0]!.form;
    assert.equal(form.client_assertion, reply.body.value);
    assert.equal(
      form.client_assertion_type,
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
    assert.equal(form.client_id, CLIENT);
    await cred.getToken(SCOPE);
    assert.equal(oidc.requests.length, 1, "the second call is served from the cache");
    await cred.close();
  });

  test("tenantId and clientId options win over AZURE_TENANT_ID and AZURE_CLIENT_ID", async () => {
    const cred = new GitHubActionsCredential({
      ...common(),
      tenantId: TENANT,
      clientId: CLIENT,
      env: actionsEnv({ AZURE_TENANT_ID: "other.example", AZURE_CLIENT_ID: "someone-else" }),
    } as object);
    oidc.replies.push(idTokenReply());
    await cred.getToken(SCOPE);
    assert.equal(entra.tokenRequests[0]!.form.client_id, CLIENT);
    assert.match(entra.tokenRequests[0]!.path, new RegExp(`^/${TENANT}/`));
    await cred.close();
  });

  test("outside GitHub Actions (variables missing): unavailable, naming each missing one", () => {
    throwsWith(() => credential({}), {
      class: CredentialUnavailableError,
      code: "ERR_CREDENTIAL_UNAVAILABLE",
      message:
        /^GitHubActionsCredential: GitHub Actions federation is not configured; missing ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN, "tenantId" \(or AZURE_TENANT_ID\), "clientId" \(or AZURE_CLIENT_ID\)\. .*id-token: write/,
    });
    const error = throwsWith(() => credential(actionsEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: "" })), {
      class: CredentialUnavailableError,
      code: "ERR_CREDENTIAL_UNAVAILABLE",
      message: /missing ACTIONS_ID_TOKEN_REQUEST_URL\. /,
    });
    assertSecretNowhere(error, REQUEST_TOKEN);
  });

  test("a request URL that is not https is refused at construction, without echoing it", () => {
    for (const url of ["http://127.0.0.1:1/idtoken?api-version=2.0", "not a url"]) {
      const error = throwsWith(
        () => credential(actionsEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: url })),
        {
          class: InvalidArgumentError,
          code: "ERR_INVALID_ARG_VALUE",
          message:
            /^GitHubActionsCredential: ACTIONS_ID_TOKEN_REQUEST_URL (uses http: \(only https: is allowed\)|is not an absolute URL)\.$/,
        },
      );
      assert.ok(!error.message.includes("idtoken"));
    }
  });

  test("a request token with a line break is refused at construction, not echoed", () => {
    const error = throwsWith(
      () => credential(actionsEnv({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: `${REQUEST_TOKEN}\r\nX: y` })),
      {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /^GitHubActionsCredential: ACTIONS_ID_TOKEN_REQUEST_TOKEN holds a line break/,
      },
    );
    assertSecretNowhere(error, REQUEST_TOKEN);
  });

  test("a 401 echoing the request token: status and hint, the token nowhere", async () => {
    const lines: string[] = [];
    const cred = credential(actionsEnv(), lines);
    oidc.replies.push({
      status: 401,
      body: `{"message":"Bearer ${REQUEST_TOKEN} is not valid"}`,
      headers: { "Content-Type": "application/json", "x-github-request-id": "0400:ABCD" },
    });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_OIDC_RESPONSE",
      message:
        /^GitHubActionsCredential: the OIDC token request failed \(HTTP 401, content-type application\/json, body starting .*\[REDACTED\].*, x-github-request-id 0400:ABCD\)\. Check that the workflow .*id-token: write/,
    });
    assert.equal((error as AuthenticationError).statusCode, 401);
    assertSecretNowhere(error, REQUEST_TOKEN, lines);
    assert.equal(entra.tokenRequests.length, 0);
    await cred.close();
  });

  test("an HTML page instead of JSON says what arrived", async () => {
    const cred = credential();
    oidc.replies.push({
      status: 200,
      body: "<html><title>Sign in to GitHub</title></html>",
      headers: { "Content-Type": "text/html" },
    });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_OIDC_RESPONSE",
      message:
        /^GitHubActionsCredential: the OIDC token response is not JSON, so it has no value \(HTTP 200, content-type text\/html, body starting ".*Sign in to GitHub.*", x-github-request-id none\)/,
    });
    assert.equal(entra.tokenRequests.length, 0);
    await cred.close();
  });

  test("an empty reply", async () => {
    const cred = credential();
    oidc.replies.push({ status: 200, body: "" });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_OIDC_RESPONSE",
      message:
        /the OIDC token response is not JSON, so it has no value \(HTTP 200, .*body starting ""/,
    });
    await cred.close();
  });

  test("JSON without value, and an empty value", async () => {
    const cred = credential();
    oidc.replies.push({ status: 200, body: { count: 0 } }, { status: 200, body: { value: "" } });
    for (let i = 0; i < 2; i++) {
      await rejectsWith(cred.getToken(SCOPE), {
        class: AuthenticationError,
        code: "ERR_OIDC_RESPONSE",
        message: /^GitHubActionsCredential: the OIDC token response has no value field \(HTTP 200/,
      });
    }
    await cred.close();
  });

  test("a hanging endpoint times out with requestOptions.timeout; abortSignal stops it at once", async () => {
    const cred = credential();
    oidc.replies.push({ hang: true }, { hang: true });
    await rejectsWith(cred.getToken(SCOPE, { requestOptions: { timeout: 200 } }), {
      class: AuthenticationError,
      code: "ERR_TIMEOUT",
      message: /^GitHubActionsCredential: no complete response from 127\.0\.0\.1:\d+ within 200 ms/,
    });
    const controller = new AbortController();
    const pending = cred.getToken(SCOPE, { abortSignal: controller.signal });
    while (oidc.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await rejectsWith(pending, {
      class: Error,
      name: "AbortError",
      code: "ERR_ABORTED",
      message: /^GitHubActionsCredential: the operation was aborted/,
    });
    assert.equal(entra.tokenRequests.length, 0);
    await cred.close();
  });
});

describe("GitHubActionsCredential inside DefaultAzureCredential", () => {
  test("joins the chain after WorkloadIdentityCredential only when its four variables are set", () => {
    const all = selectMembers(undefined, {}, true).members;
    assert.deepEqual(all.slice(0, 3), [
      "EnvironmentCredential",
      "WorkloadIdentityCredential",
      "GitHubActionsCredential",
    ]);
    assert.ok(!selectMembers(undefined, {}, false).members.includes("GitHubActionsCredential"));
    assert.deepEqual(selectMembers("prod", {}, true).members, [
      "EnvironmentCredential",
      "WorkloadIdentityCredential",
      "GitHubActionsCredential",
      "ManagedIdentityCredential",
    ]);
    assert.deepEqual(selectMembers("GitHubActionsCredential", {}, false).members, [
      "GitHubActionsCredential",
    ]);
    const excluded = selectMembers(undefined, { excludeGitHubActionsCredential: true }, true);
    assert.ok(!excluded.members.includes("GitHubActionsCredential"));
  });

  test("gets a token through the chain from the Actions variables", async () => {
    const lines: string[] = [];
    const cred = new DefaultAzureCredential({
      ...common(),
      excludeManagedIdentityCredential: true,
      excludeAzureCliCredential: true,
      excludeAzurePowerShellCredential: true,
      excludeAzureDeveloperCliCredential: true,
      loggingOptions: { logLevel: "verbose", logger: (_: string, l: string) => lines.push(l) },
      env: actionsEnv(),
    } as object);
    oidc.replies.push(idTokenReply());
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, entra.issuedTokens.at(-1));
    assert.ok(
      lines.some((line) =>
        /chain: .*WorkloadIdentityCredential, GitHubActionsCredential/.test(line),
      ),
    );
    assert.ok(lines.join("\n").length > 0 && !lines.join("\n").includes(REQUEST_TOKEN));
    await cred.close();
  });

  test("a refused ID-token request stops the chain with the credential's error, the token nowhere", async () => {
    const cred = new DefaultAzureCredential({
      ...common(),
      excludeManagedIdentityCredential: true,
      excludeAzureCliCredential: true,
      excludeAzurePowerShellCredential: true,
      excludeAzureDeveloperCliCredential: true,
      env: actionsEnv(),
    } as object);
    oidc.replies.push({ status: 403, body: `{"message":"${REQUEST_TOKEN} lacks id-token"}` });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: Error,
      code: "ERR_OIDC_RESPONSE",
      message: /GitHubActionsCredential: the OIDC token request failed \(HTTP 403/,
    });
    assert.ok(!(error instanceof AggregateAuthenticationError) || error.errors.length > 0);
    assertSecretNowhere(error, REQUEST_TOKEN);
    await cred.close();
  });
});
