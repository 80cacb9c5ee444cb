import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { randomUUID } from "node:crypto";
import { parsePem } from "../../lib/cert/pem.js";
import { signCompactJws, base64url } from "../../lib/oauth/jws.js";
import { FakeEntra } from "../support/fake_entra.js";
import { readFixture, TEST_TLS } from "../support/fixtures.js";
import { rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AuthenticationError,
  ClientAssertionCredential,
  InvalidArgumentError,
  type ClientAssertionCredentialOptions,
} from "../support/package.js";

const TENANT = "assertion-tenant";
const CLIENT = "a5a5a5a5-0000-4000-8000-000000000001";
const SCOPE = "https://graph.microsoft.com/.default";
let fake: FakeEntra;
const bundle = parsePem(readFixture("certs/cert.pem"));

function federatedToken(audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signCompactJws(
    { alg: "RS256", typ: "JWT", x5t: base64url(bundle.thumbprintSha1) },
    {
      aud: audience,
      iss: CLIENT,
      sub: CLIENT,
      jti: randomUUID(),
      iat: now,
      nbf: now,
      exp: now + 300,
    },
    bundle.privateKey,
    "RS256",
  );
}
const options: ClientAssertionCredentialOptions = {};

before(async () => {
  fake = await FakeEntra.start();
  fake.register({
    clientId: CLIENT,
    tenantId: TENANT,
    certificates: [readFixture("certs/cert_only.pem")],
  });
  Object.assign(options, {
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
  });
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});

describe("ClientAssertionCredential", () => {
  test("sends the callback's assertion and gets a token; the callback runs once per request", async () => {
    let calls = 0;
    const cred = new ClientAssertionCredential(
      TENANT,
      CLIENT,
      async () => {
        calls++;
        return federatedToken(fake.tokenEndpoint(TENANT));
      },
      options,
    );
    const token = await cred.getToken(SCOPE);
    await cred.getToken(SCOPE);
    assert.equal(token.token, fake.issuedTokens.at(-1));
    assert.equal(calls, 1);
    const request = fake.tokenRequests.at(-1)!;
    assert.deepEqual(request.fieldOrder, [
      "client_id",
      "scope",
      "grant_type",
      "client_assertion",
      "client_assertion_type",
    ]);
    await cred.close();
  });

  test("a callback that throws gives ERR_ASSERTION_CALLBACK with the cause", async () => {
    const cred = new ClientAssertionCredential(
      TENANT,
      CLIENT,
      async () => {
        throw new Error("token file missing");
      },
      options,
    );
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_ASSERTION_CALLBACK",
      message:
        /^ClientAssertionCredential: the client assertion could not be obtained: token file missing/,
    });
    assert.equal((error.cause as Error).message, "token file missing");
    await cred.close();
  });

  test("a callback returning an empty string gives ERR_ASSERTION_CALLBACK", async () => {
    const cred = new ClientAssertionCredential(TENANT, CLIENT, async () => "", options);
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_ASSERTION_CALLBACK",
      message: /must return a non-empty string/,
    });
    await cred.close();
  });

  test("an assertion for another audience is refused by Entra", async () => {
    const cred = new ClientAssertionCredential(
      TENANT,
      CLIENT,
      async () => federatedToken("https://elsewhere.example/token"),
      options,
    );
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_client",
      message: /AADSTS700021: Client assertion audience claim does not match/,
    });
    await cred.close();
  });

  test("getAssertion must be a function", () => {
    throwsWith(() => new ClientAssertionCredential(TENANT, CLIENT, "jwt" as never), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_TYPE",
      message: /"getAssertion" must be a function/,
    });
  });
});
