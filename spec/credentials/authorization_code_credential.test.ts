import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { codeChallengeS256 } from "../../lib/oauth/pkce.js";
import { authorizeCode } from "../support/browser.js";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AuthorizationCodeCredential,
  type AuthorizationCodeCredentialOptions,
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OTHER_TENANT = "fabrikam.example";
const WEB_APP = "5a5e0000-0000-4000-8000-00000000a11e";
const NATIVE_APP = "5a5e0000-0000-4000-8000-00000000b11e";
const SECRET = "web~App.Secret-0123456789_abcdef";
const REDIRECT = "https://app.example/auth/callback";
const NATIVE_REDIRECT = "http://localhost:8400/cb";
const VERIFIER = "pkce-verifier-".padEnd(64, "x");
const SCOPE = "https://graph.microsoft.com/User.Read";

let fake: FakeEntra;

function authorizeUrl(clientId: string, redirectUri: string, challenge?: string): string {
  const url = new URL(`${fake.url}/${TENANT}/oauth2/v2.0/authorize`);
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("scope", `${SCOPE} openid profile offline_access`);
  url.searchParams.set("state", "web-app-state");
  if (challenge) {
    url.searchParams.set("code_challenge", challenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  return url.toString();
}

const base = (): AuthorizationCodeCredentialOptions & Record<string, unknown> => ({
  authorityHost: fake.url,
  disableInstanceDiscovery: true,
  tlsOptions: TEST_TLS,
  retryOptions: { retryDelayInMs: 5 },
});

async function webCredential(
  options: AuthorizationCodeCredentialOptions & Record<string, unknown> = {},
  code?: string,
): Promise<AuthorizationCodeCredential> {
  return new AuthorizationCodeCredential(
    TENANT,
    WEB_APP,
    SECRET,
    code ?? (await authorizeCode(authorizeUrl(WEB_APP, REDIRECT))),
    REDIRECT,
    { ...base(), ...options },
  );
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({
    clientId: WEB_APP,
    tenantId: TENANT,
    secret: SECRET,
    redirectUris: [REDIRECT],
    tenants: [OTHER_TENANT],
  });
  fake.register({
    clientId: NATIVE_APP,
    tenantId: TENANT,
    publicClient: true,
    redirectUris: ["http://localhost/cb"],
  });
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe("AuthorizationCodeCredential: redeem once, refresh after", () => {
  test("confidential: the code is redeemed with exactly the authorization_code form", async () => {
    const code = await authorizeCode(authorizeUrl(WEB_APP, REDIRECT));
    const cred = await webCredential({}, code);
    const token = await cred.getToken(SCOPE);
    const request = fake.tokenRequests[0]!;
    assert.equal(request.path, `/${TENANT}/oauth2/v2.0/token`);
    assert.deepEqual(request.fieldOrder, [
      "client_id",
      "scope",
      "redirect_uri",
      "grant_type",
      "code",
      "client_info",
      "client_secret",
    ]);
    assert.deepEqual(request.form, {
      client_id: WEB_APP,
      scope: `${SCOPE} openid profile offline_access`,
      redirect_uri: REDIRECT,
      grant_type: "authorization_code",
      code,
      client_info: "1",
      client_secret: SECRET,
    });
    assert.equal(token.token, fake.issuedTokens.at(-1));
    assert.equal(token.tokenType, "Bearer");
    await cred.close();
  });

  test("later scopes use the refresh token, and each rotated refresh token replaces the last", async () => {
    const cred = await webCredential();
    await cred.getToken(SCOPE);
    assert.deepEqual(
      await cred.getToken(SCOPE),
      await cred.getToken([SCOPE]),
      "served from the cache",
    );
    assert.equal(fake.tokenRequests.length, 1);
    const issued = () => [...fake.users.refreshTokens.keys()];
    const first = issued().at(-1)!;
    const vault = await cred.getToken("https://vault.azure.net/user_impersonation");
    const refresh = fake.tokenRequests[1]!;
    assert.deepEqual(refresh.fieldOrder, [
      "client_id",
      "scope",
      "grant_type",
      "client_info",
      "refresh_token",
      "client_secret",
    ]);
    assert.deepEqual(refresh.form, {
      client_id: WEB_APP,
      scope: "https://vault.azure.net/user_impersonation openid profile offline_access",
      grant_type: "refresh_token",
      client_info: "1",
      refresh_token: first,
      client_secret: SECRET,
    });
    assert.equal(vault.token, fake.issuedTokens.at(-1));
    const second = issued().at(-1)!;
    await cred.getToken("https://storage.azure.com/user_impersonation");
    assert.equal(
      fake.tokenRequests[2]!.form.refresh_token,
      second,
      "the rotated refresh token is used; the fake refuses the old one",
    );
    assert.equal(
      fake.tokenRequests.filter((r) => r.form.grant_type === "authorization_code").length,
      1,
      "the code is redeemed exactly once",
    );
    await cred.close();
  });

  test("public client with PKCE: code_verifier sent, no secret, the fake checks the challenge", async () => {
    const code = await authorizeCode(
      authorizeUrl(NATIVE_APP, NATIVE_REDIRECT, codeChallengeS256(VERIFIER)),
    );
    const cred = new AuthorizationCodeCredential(TENANT, NATIVE_APP, code, NATIVE_REDIRECT, {
      ...base(),
      codeVerifier: VERIFIER,
    });
    await cred.getToken(SCOPE);
    const form = fake.tokenRequests[0]!.form;
    assert.equal(form.code_verifier, VERIFIER);
    assert.equal(form.redirect_uri, NATIVE_REDIRECT, "the redirect URI is sent exactly as given");
    assert.equal(form.client_secret, undefined);
    await cred.close();
  });

  test("claims challenges and CAE go out on a refresh-token request carrying claims", async () => {
    const cred = await webCredential();
    await cred.getToken(SCOPE);
    const challenge = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
    await cred.getToken(SCOPE, { claims: challenge });
    assert.equal(fake.tokenRequests[1]!.form.grant_type, "refresh_token");
    assert.equal(fake.tokenRequests[1]!.form.claims, challenge);
    await cred.getToken(SCOPE, { enableCae: true });
    assert.deepEqual(JSON.parse(fake.tokenRequests[2]!.form.claims!), {
      access_token: { xms_cc: { values: ["cp1"] } },
    });
    await cred.close();
  });

  test("a per-call tenant within additionallyAllowedTenants is refreshed there; others are refused", async () => {
    const cred = await webCredential({ additionallyAllowedTenants: [OTHER_TENANT] });
    await cred.getToken(SCOPE);
    await cred.getToken(SCOPE, { tenantId: OTHER_TENANT });
    assert.equal(fake.tokenRequests[1]!.path, `/${OTHER_TENANT}/oauth2/v2.0/token`);
    assert.equal(fake.tokenRequests[1]!.form.grant_type, "refresh_token");
    await rejectsWith(cred.getToken(SCOPE, { tenantId: "contoso.example" }), {
      class: CredentialUnavailableError,
      code: "ERR_TENANT_NOT_ALLOWED",
      message:
        /^AuthorizationCodeCredential: .*tenant contoso\.example.*additionallyAllowedTenants/,
    });
    await cred.close();
  });
});

describe("AuthorizationCodeCredential: refusals", () => {
  test("a code reused by another credential is Entra's invalid_grant, and neither code nor secret leaks", async () => {
    const code = await authorizeCode(authorizeUrl(WEB_APP, REDIRECT));
    const first = await webCredential({}, code);
    await first.getToken(SCOPE);
    const second = await webCredential({}, code);
    const error = await rejectsWith(second.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_grant",
      message:
        /^AuthorizationCodeCredential: invalid_grant \(HTTP 400\): AADSTS54005: OAuth2 Authorization code was already redeemed/,
    });
    assertNoSecret(error, code);
    assertNoSecret(error, SECRET);
    await rejectsWith(second.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_grant",
      message: /AADSTS54005/,
    });
    assert.equal(
      fake.tokenRequests.length,
      2,
      "a failed redemption is not retried with the same code",
    );
    await first.close();
    await second.close();
  });

  test("a redirect URI other than the one the code was issued for is refused", async () => {
    const code = await authorizeCode(authorizeUrl(WEB_APP, REDIRECT));
    const cred = new AuthorizationCodeCredential(
      TENANT,
      WEB_APP,
      SECRET,
      code,
      `${REDIRECT}/other`,
      base(),
    );
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_grant",
      message: /AADSTS500112: The reply address does not match/,
    });
    await cred.close();
  });

  test("a PKCE verifier that does not match the challenge is refused by the fake", async () => {
    const code = await authorizeCode(
      authorizeUrl(NATIVE_APP, NATIVE_REDIRECT, codeChallengeS256(VERIFIER)),
    );
    const wrong = "another-verifier-".padEnd(50, "y");
    const cred = new AuthorizationCodeCredential(TENANT, NATIVE_APP, code, NATIVE_REDIRECT, {
      ...base(),
      codeVerifier: wrong,
    });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_grant",
      message: /AADSTS501481: The Code_Verifier does not match/,
    });
    assertNoSecret(error, wrong);
    assertNoSecret(error, code);
    await cred.close();
  });

  test("a revoked refresh token is an AuthenticationError (the code cannot be used again)", async () => {
    const cred = await webCredential();
    await cred.getToken(SCOPE);
    fake.users.revokeRefreshTokens();
    const refreshToken = [...fake.users.refreshTokens.keys()].at(-1)!;
    const error = await rejectsWith(cred.getToken("https://vault.azure.net/user_impersonation"), {
      class: AuthenticationError,
      name: "AuthenticationError",
      code: "invalid_grant",
      message: /^AuthorizationCodeCredential: invalid_grant \(HTTP 400\): AADSTS50173/,
    });
    assertNoSecret(error, refreshToken);
    assert.equal(
      fake.tokenRequests.filter((r) => r.form.grant_type === "authorization_code").length,
      1,
    );
    await cred.close();
  });

  test("no code, refresh token or secret in any log line", async () => {
    const lines: string[] = [];
    const loggingOptions = {
      logLevel: "verbose" as const,
      logger: (level: string, message: string) => lines.push(`${level} ${message}`),
    };
    const code = await authorizeCode(authorizeUrl(WEB_APP, REDIRECT));
    const cred = await webCredential({ loggingOptions }, code);
    await cred.getToken(SCOPE);
    await cred.getToken("https://vault.azure.net/user_impersonation");
    const reused = await webCredential({ loggingOptions }, code);
    await assert.rejects(reused.getToken(SCOPE));
    assert.ok(
      lines.some((l) => /^info AuthorizationCodeCredential: getToken succeeded/.test(l)),
      lines.join("\n"),
    );
    assert.ok(
      lines.some((l) =>
        /^error AuthorizationCodeCredential: getToken failed: .*AADSTS54005/.test(l),
      ),
      lines.join("\n"),
    );
    const secrets = [code, SECRET, ...fake.users.refreshTokens.keys(), ...fake.issuedTokens];
    assert.ok(lines.every((l) => secrets.every((s) => !l.includes(s))));
    await cred.close();
    await reused.close();
  });
});

describe("AuthorizationCodeCredential: bad arguments", () => {
  test("missing code, redirect URI or secret are named", () => {
    throwsWith(() => new AuthorizationCodeCredential(TENANT, WEB_APP, SECRET, "", REDIRECT), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /^AuthorizationCodeCredential: "authorizationCode" is required/,
    });
    throwsWith(() => new AuthorizationCodeCredential(TENANT, WEB_APP, "code", ""), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"redirectUri" is required/,
    });
    throwsWith(() => new AuthorizationCodeCredential(TENANT, WEB_APP, "", "code", REDIRECT), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"clientSecret" is required/,
    });
  });

  test("a redirect URI that is not an absolute URL, a malformed verifier or tenant are refused", () => {
    throwsWith(() => new AuthorizationCodeCredential(TENANT, WEB_APP, "code", "/relative"), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"redirectUri" must be an absolute URL/,
    });
    throwsWith(
      () =>
        new AuthorizationCodeCredential(TENANT, WEB_APP, "code", REDIRECT, {
          codeVerifier: "short",
        }),
      {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /"codeVerifier" must be 43-128 characters/,
      },
    );
    throwsWith(() => new AuthorizationCodeCredential("bad tenant", WEB_APP, "code", REDIRECT), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"tenantId"/,
    });
  });
});
