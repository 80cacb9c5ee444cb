import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { loadCertificate } from "../../lib/cert/load.js";
import { createClientAssertion } from "../../lib/oauth/assertion.js";
import { codeChallengeS256 } from "../../lib/oauth/pkce.js";
import { authorizeCode } from "../support/browser.js";
import { FakeEntra } from "../support/fake_entra.js";
import { fixturePath, readFixture, TEST_TLS } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AuthorizationCodeCredential,
  OnBehalfOfCredential,
  type OnBehalfOfCredentialOptions,
  AuthenticationError,
  CertificateError,
  InvalidArgumentError,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const FRONT_END = "0b0f0000-0000-4000-8000-0000000f0e00";
const MIDDLE_TIER = "0b0f0000-0000-4000-8000-00000000a1d0";
const SECRET = "middle~Tier.Secret-0123456789_xyz";
const DOWNSTREAM = "https://graph.microsoft.com/User.Read";
const VERIFIER = "front-end-verifier-".padEnd(60, "v");
const REDIRECT = "http://localhost/front";

let fake: FakeEntra;

const base = () => ({
  authorityHost: fake.url,
  disableInstanceDiscovery: true,
  tlsOptions: TEST_TLS,
  retryOptions: { retryDelayInMs: 5 },
});

/** A user token the middle tier received: obtained by a front end through the code flow. */
async function userToken(): Promise<string> {
  const url = new URL(`${fake.url}/${TENANT}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries({
    client_id: FRONT_END,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope: "api://middle-tier/access",
    state: "s",
    code_challenge: codeChallengeS256(VERIFIER),
    code_challenge_method: "S256",
  })) {
    url.searchParams.set(k, v);
  }
  const frontEnd = new AuthorizationCodeCredential(
    TENANT,
    FRONT_END,
    await authorizeCode(url.toString()),
    REDIRECT,
    { ...base(), codeVerifier: VERIFIER },
  );
  const { token } = await frontEnd.getToken("api://middle-tier/access");
  await frontEnd.close();
  return token;
}

function credential(
  options: Partial<OnBehalfOfCredentialOptions> & Record<string, unknown>,
): OnBehalfOfCredential {
  return new OnBehalfOfCredential({
    tenantId: TENANT,
    clientId: MIDDLE_TIER,
    ...base(),
    ...options,
  } as OnBehalfOfCredentialOptions);
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({
    clientId: FRONT_END,
    tenantId: TENANT,
    publicClient: true,
    redirectUris: [REDIRECT],
  });
  fake.register({
    clientId: MIDDLE_TIER,
    tenantId: TENANT,
    secret: SECRET,
    certificates: [readFixture("certs/cert_only.pem")],
  });
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe("OnBehalfOfCredential: exchanging the user's token", () => {
  test("with a secret: exactly the jwt-bearer OBO form, and the token is cached", async () => {
    const assertion = await userToken();
    fake.requests.length = 0;
    const cred = credential({ clientSecret: SECRET, userAssertionToken: assertion });
    const token = await cred.getToken(DOWNSTREAM);
    const request = fake.tokenRequests[0]!;
    assert.deepEqual(request.fieldOrder, [
      "client_id",
      "scope",
      "grant_type",
      "client_info",
      "requested_token_use",
      "assertion",
      "client_secret",
    ]);
    assert.deepEqual(request.form, {
      client_id: MIDDLE_TIER,
      scope: `${DOWNSTREAM} openid profile offline_access`,
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      client_info: "1",
      requested_token_use: "on_behalf_of",
      assertion,
      client_secret: SECRET,
    });
    assert.equal(token.token, fake.issuedTokens.at(-1));
    const claims = JSON.parse(Buffer.from(token.token.split(".")[1]!, "base64url").toString());
    assert.equal(claims.appid, MIDDLE_TIER, "a token for the middle tier, on the user's behalf");
    assert.equal(claims.oid, fake.users.user.objectId);
    await cred.getToken(DOWNSTREAM);
    assert.equal(fake.tokenRequests.length, 1);
    await cred.close();
  });

  test("with a certificate path and password: a signed client assertion", async () => {
    const assertion = await userToken();
    fake.requests.length = 0;
    const cred = credential({
      certificatePath: fixturePath("certs/cert_encrypted.pem"),
      certificatePassword: "fixture-password",
      userAssertionToken: assertion,
    });
    await cred.getToken(DOWNSTREAM);
    const form = fake.tokenRequests[0]!.form;
    assert.equal(
      form.client_assertion_type,
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
    assert.equal(form.assertion, assertion);
    assert.equal(form.client_secret, undefined);
    await cred.close();
  });

  test("with a PKCS#12 file (legacy RC2-40 export): the same signed client assertion", async () => {
    const assertion = await userToken();
    fake.requests.length = 0;
    const cred = credential({
      certificatePath: fixturePath("pfx/legacy.pfx"),
      certificatePassword: "fixture-password",
      userAssertionToken: assertion,
    });
    await cred.getToken(DOWNSTREAM);
    assert.equal(
      fake.tokenRequests[0]!.form.client_assertion_type,
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
    assert.equal(fake.tokenRequests[0]!.form.assertion, assertion);
    await cred.close();
  });

  test("with getAssertion: the callback's assertion authenticates the app, once per request", async () => {
    const assertion = await userToken();
    fake.requests.length = 0;
    const bundle = await loadCertificate("test", {
      certificatePath: fixturePath("certs/cert.pem"),
    });
    let calls = 0;
    const cred = credential({
      getAssertion: async () => {
        calls++;
        return createClientAssertion({
          certificate: bundle,
          clientId: MIDDLE_TIER,
          audience: fake.tokenEndpoint(TENANT),
          algorithm: "RS256",
          sendCertificateChain: false,
          nowSeconds: Date.now() / 1000,
        });
      },
      userAssertionToken: assertion,
    });
    await cred.getToken(DOWNSTREAM);
    await cred.getToken("https://vault.azure.net/user_impersonation");
    assert.equal(calls, 2);
    assert.deepEqual(
      fake.tokenRequests.map((r) => r.form.assertion),
      [assertion, assertion],
    );
    await cred.close();
  });

  test("tokens are kept per user assertion: another user's credential gets its own token", async () => {
    const alice = credential({ clientSecret: SECRET, userAssertionToken: await userToken() });
    const bob = credential({ clientSecret: SECRET, userAssertionToken: await userToken() });
    fake.requests.length = 0;
    const a = await alice.getToken(DOWNSTREAM);
    const b = await bob.getToken(DOWNSTREAM);
    assert.notEqual(a.token, b.token);
    assert.equal(fake.tokenRequests.length, 2);
    await alice.close();
    await bob.close();
  });
});

describe("OnBehalfOfCredential: refusals", () => {
  test("an assertion Entra did not issue is invalid_grant, and it appears in no message or log", async () => {
    const forged = "eyJhbGciOiJSUzI1NiJ9.eyJ1c2VyIjoibWFsbG9yeSJ9.c2lnbmF0dXJlLW5vdC12YWxpZA";
    const lines: string[] = [];
    const cred = credential({
      clientSecret: SECRET,
      userAssertionToken: forged,
      loggingOptions: {
        logLevel: "verbose",
        logger: (level, message) => lines.push(`${level} ${message}`),
      },
    });
    const error = await rejectsWith(cred.getToken(DOWNSTREAM), {
      class: AuthenticationError,
      code: "invalid_grant",
      message:
        /^OnBehalfOfCredential: invalid_grant \(HTTP 400\): AADSTS50013: Assertion failed signature validation/,
    });
    assertNoSecret(error, forged);
    assertNoSecret(error, SECRET);
    assert.ok(lines.some((l) => l.startsWith("error OnBehalfOfCredential: getToken failed")));
    assert.ok(lines.every((l) => !l.includes(forged) && !l.includes(SECRET)));
    await cred.close();
  });

  test("a wrong secret is invalid_client", async () => {
    const cred = credential({
      clientSecret: "not-the-secret-value",
      userAssertionToken: await userToken(),
    });
    await rejectsWith(cred.getToken(DOWNSTREAM), {
      class: AuthenticationError,
      code: "invalid_client",
      message: /AADSTS7000215/,
    });
    await cred.close();
  });
});

describe("OnBehalfOfCredential: bad arguments", () => {
  test("missing tenant, client or user assertion are named", () => {
    throwsWith(() => credential({ clientSecret: SECRET, userAssertionToken: "" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /^OnBehalfOfCredential: "userAssertionToken" is required/,
    });
    throwsWith(() => credential({ clientSecret: SECRET, userAssertionToken: "x", clientId: "" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"clientId" is required/,
    });
    throwsWith(
      () => credential({ clientSecret: SECRET, userAssertionToken: "x", tenantId: "bad/tenant" }),
      { class: InvalidArgumentError, code: "ERR_INVALID_ARG_VALUE", message: /"tenantId"/ },
    );
  });

  test("exactly one of clientSecret, certificatePath and getAssertion", () => {
    throwsWith(() => credential({ userAssertionToken: "x" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /exactly one of "clientSecret", "certificatePath" and "getAssertion"/,
    });
    throwsWith(
      () =>
        credential({
          userAssertionToken: "x",
          clientSecret: SECRET,
          certificatePath: fixturePath("certs/cert.pem"),
        }),
      { class: InvalidArgumentError, code: "ERR_INVALID_ARG_VALUE", message: /exactly one of/ },
    );
  });

  test("a wrong certificate password is a CertificateError naming the credential", () => {
    throwsWith(
      () =>
        credential({
          userAssertionToken: "x",
          certificatePath: fixturePath("certs/cert_encrypted.pem"),
          certificatePassword: "wrong",
        }),
      { class: CertificateError, code: "ERR_CERT_PASSWORD", message: /^OnBehalfOfCredential: / },
    );
  });
});
