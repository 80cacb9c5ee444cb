import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS, fixturePath, readFixture } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AuthenticationError,
  CertificateError,
  CredentialUnavailableError,
  EnvironmentCredential,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SECRET_APP = "e0000000-0000-4000-8000-00000000005e";
const CERT_APP = "e0000000-0000-4000-8000-0000000000ce";
const CHAIN_APP = "e0000000-0000-4000-8000-0000000000c4";
const SECRET = "env-secret~value.0123456789";
const PUBLIC_APP = "e0000000-0000-4000-8000-0000000000ab";
const PASSWORD = "hunter2-password-value";
const SCOPE = "https://vault.azure.net/.default";

let fake: FakeEntra;

function credential(env: NodeJS.ProcessEnv): EnvironmentCredential {
  return new EnvironmentCredential({
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { retryDelayInMs: 1 },
    env,
  } as object);
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: SECRET_APP, tenantId: TENANT, secret: SECRET });
  fake.register({
    clientId: CERT_APP,
    tenantId: TENANT,
    certificates: [readFixture("certs/cert_only.pem")],
  });
  fake.register({
    clientId: CHAIN_APP,
    tenantId: TENANT,
    certificates: [readFixture("certs/leaf.pem")],
  });
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe("EnvironmentCredential", () => {
  test("a PKCS#12 file in AZURE_CLIENT_CERTIFICATE_PATH, detected by content, with its password", async () => {
    const cred = credential({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CERT_APP,
      AZURE_CLIENT_CERTIFICATE_PATH: fixturePath("pfx/default.pfx"),
      AZURE_CLIENT_CERTIFICATE_PASSWORD: "fixture-password",
    });
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, fake.issuedTokens.at(-1));
    assert.ok(fake.tokenRequests[0]!.form.client_assertion);
    await cred.close();
  });

  test("secret first: AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET (even with a certificate path set)", async () => {
    const cred = credential({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: SECRET_APP,
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_CLIENT_CERTIFICATE_PATH: fixturePath("certs/cert.pem"),
    });
    await cred.getToken(SCOPE);
    assert.equal(fake.tokenRequests[0]!.form.client_secret, SECRET);
    await cred.close();
  });

  test("certificate: path + password", async () => {
    const cred = credential({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CERT_APP,
      AZURE_CLIENT_CERTIFICATE_PATH: fixturePath("certs/cert_encrypted.pem"),
      AZURE_CLIENT_CERTIFICATE_PASSWORD: "fixture-password",
    });
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, fake.issuedTokens.at(-1));
    const header = JSON.parse(
      Buffer.from(
        fake.tokenRequests[0]!.form.client_assertion!.split(".")[0]!,
        "base64url",
      ).toString("utf8"),
    );
    assert.equal(header.x5c, undefined);
    await cred.close();
  });

  test("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=true sends x5c", async () => {
    const cred = credential({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CHAIN_APP,
      AZURE_CLIENT_CERTIFICATE_PATH: fixturePath("certs/chain.pem"),
      AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: "True",
    });
    await cred.getToken(SCOPE);
    const header = JSON.parse(
      Buffer.from(
        fake.tokenRequests[0]!.form.client_assertion!.split(".")[0]!,
        "base64url",
      ).toString("utf8"),
    );
    assert.equal(header.x5c.length, 2);
    await cred.close();
  });

  test("AZURE_ADDITIONALLY_ALLOWED_TENANTS lets getToken ask another tenant", async () => {
    const cred = credential({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: SECRET_APP,
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_ADDITIONALLY_ALLOWED_TENANTS: "other.onmicrosoft.com;fabrikam.com",
    });
    await rejectsWith(cred.getToken(SCOPE, { tenantId: "fabrikam.com" }), {
      class: AuthenticationError,
      code: "invalid_request",
      message: /^EnvironmentCredential: .*AADSTS90002/,
    });
    assert.equal(fake.tokenRequests[0]!.path, "/fabrikam.com/oauth2/v2.0/token");
    await rejectsWith(cred.getToken(SCOPE, { tenantId: "contoso.com" }), {
      class: CredentialUnavailableError,
      code: "ERR_TENANT_NOT_ALLOWED",
      message: /^EnvironmentCredential: .*additionallyAllowedTenants/,
    });
    await cred.close();
  });

  test("a refused secret stops with Entra's details kept, and no secret in it", async () => {
    const cred = credential({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: SECRET_APP,
      AZURE_CLIENT_SECRET: "wrong-secret-value-123",
    });
    const error = (await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_client",
      message: /^EnvironmentCredential: invalid_client \(HTTP 401\): AADSTS7000215/,
    })) as AuthenticationError;
    assert.equal(error.statusCode, 401);
    assert.deepEqual(error.errorResponse.errorCodes, [7000215]);
    assertNoSecret(error, "wrong-secret-value-123");
    await cred.close();
  });

  test("username/password: the ROPC form with the exact fields, and the deprecation warning", async () => {
    fake.register({ clientId: PUBLIC_APP, tenantId: TENANT, publicClient: true });
    fake.passwordUsers.set("ada@contoso.com", { username: "ada@contoso.com", password: PASSWORD });
    const lines: string[] = [];
    const cred = new EnvironmentCredential({
      authorityHost: fake.url,
      disableInstanceDiscovery: true,
      tlsOptions: TEST_TLS,
      loggingOptions: {
        logLevel: "warning",
        logger: (level, line) => lines.push(`${level} ${line}`),
      },
      env: {
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: PUBLIC_APP,
        AZURE_USERNAME: "ada@contoso.com",
        AZURE_PASSWORD: PASSWORD,
      },
    });
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, fake.issuedTokens.at(-1));
    const [request] = fake.requests;
    assert.equal(request!.path, `/${TENANT}/oauth2/v2.0/token`);
    assert.deepEqual(request!.fieldOrder, [
      "client_id",
      "scope",
      "grant_type",
      "username",
      "password",
      "client_info",
    ]);
    assert.deepEqual(request!.form, {
      client_id: PUBLIC_APP,
      scope: `${SCOPE} openid profile offline_access`,
      grant_type: "password",
      username: "ada@contoso.com",
      password: PASSWORD,
      client_info: "1",
    });
    await cred.close();
  });

  test("username/password refused by Entra: named once, no password in it", async () => {
    const cred = credential({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: PUBLIC_APP,
      AZURE_USERNAME: "nobody@contoso.com",
      AZURE_PASSWORD: PASSWORD,
    });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_grant",
      message: /^EnvironmentCredential: invalid_grant \(HTTP 400\): AADSTS50126/,
    });
    assertNoSecret(error, PASSWORD);
    await cred.close();
  });

  test("incomplete variables: unavailable, naming what is set", async () => {
    const cred = credential({ AZURE_CLIENT_ID: SECRET_APP });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_CREDENTIAL_UNAVAILABLE",
      message: /not fully configured.*\(set now: AZURE_CLIENT_ID\)/,
    });
  });

  test("an unusable certificate file fails at construction, named", () => {
    throwsWith(
      () =>
        credential({
          AZURE_TENANT_ID: TENANT,
          AZURE_CLIENT_ID: CERT_APP,
          AZURE_CLIENT_CERTIFICATE_PATH: fixturePath("certs/absent.pem"),
        }),
      {
        class: CertificateError,
        code: "ERR_CERT_READ",
        message: /^EnvironmentCredential: cannot read the certificate file/,
      },
    );
  });
});
