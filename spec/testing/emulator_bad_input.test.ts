import assert from "node:assert/strict";
import { createHash, createPrivateKey, randomUUID, sign, X509Certificate } from "node:crypto";
import { request } from "node:https";
import { after, before, describe, test } from "node:test";
import {
  createClientCertificate,
  EmulatorError,
  startEntraEmulator,
  type EntraEmulator,
} from "../../lib/testing/index.js";
import { rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AuthenticationError,
  AuthorizationCodeCredential,
  ClientAssertionCredential,
  ClientSecretCredential,
} from "../support/package.js";

const SCOPE = "https://graph.microsoft.com/.default";
const REDIRECT = "http://localhost:8400/callback";
let emulator: EntraEmulator;

/** One raw HTTPS request to the emulator, as a client with bugs would send it. */
function send(
  path: string,
  body: string,
  contentType = "application/x-www-form-urlencoded",
  method = "POST",
): Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${emulator.authorityHost}${path}`,
      { method, ca: emulator.caCertificate, headers: { "Content-Type": contentType } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = { text };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Signs a certificate client assertion for `clientId` with node:crypto, as a user's test would. */
function assertion(clientId: string, pem: { certificate: string; privateKey: string }): string {
  const x5t = createHash("sha1")
    .update(new X509Certificate(pem.certificate).raw)
    .digest("base64url");
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const input = `${part({ alg: "RS256", typ: "JWT", x5t })}.${part({
    aud: `${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/token`,
    iss: clientId,
    sub: clientId,
    jti: randomUUID(),
    nbf: now,
    exp: now + 600,
  })}`;
  return `${input}.${sign("sha256", Buffer.from(input), createPrivateKey(pem.privateKey)).toString("base64url")}`;
}

/** An authorization code from the emulator's `/authorize`, signed in through its page. */
async function authorizationCode(clientId: string, challenge?: string): Promise<string> {
  const q = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope: "https://graph.microsoft.com/User.Read openid",
    state: "s1",
    ...(challenge ? { code_challenge: challenge, code_challenge_method: "S256" } : {}),
  });
  const path = `/${emulator.tenantId}/oauth2/v2.0/authorize`;
  const page = await send(`${path}?${q}`, "", "text/plain", "GET");
  assert.equal(page.status, 200);
  assert.match(String(page.json.text), /<form method="post"/);
  const signedIn = await send(`${path}?${q}`, q.toString());
  assert.equal(signedIn.status, 302);
  const code = new URL(String(signedIn.headers.location)).searchParams.get("code");
  assert.ok(code);
  return code;
}

const options = () => ({ ...emulator.credentialOptions(), retryOptions: { maxRetries: 0 } });

before(async () => {
  emulator = await startEntraEmulator({ authorizationCodeLifetimeMs: 300 });
});
after(async () => {
  await emulator.close();
});

describe("entra-zero/testing: the emulator refuses what Entra refuses", () => {
  test("an unregistered client is unauthorized_client, AADSTS700016", async () => {
    const credential = new ClientSecretCredential(emulator.tenantId, randomUUID(), "x", options());
    await rejectsWith(credential.getToken(SCOPE), {
      class: AuthenticationError,
      code: "unauthorized_client",
      message: /AADSTS700016: Application with identifier '[0-9a-f-]+' was not found/,
    });
  });

  test("a wrong secret is invalid_client, AADSTS7000215, and the secret is in no message", async () => {
    const app = emulator.registerApplication({ clientSecret: "right-secret-value" });
    const credential = new ClientSecretCredential(
      app.tenantId,
      app.clientId,
      "wrong-secret-value",
      options(),
    );
    const error = await rejectsWith(credential.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_client",
      message: /AADSTS7000215: Invalid client secret provided/,
    });
    assert.ok(!JSON.stringify(error).includes("wrong-secret-value"));
    const sent = emulator.requests.at(-1)!;
    assert.equal(
      sent.form.client_secret,
      "[REDACTED]",
      "requests are recorded with secrets redacted",
    );
  });

  test("a replayed client assertion is invalid_client, AADSTS700025", async () => {
    const cert = createClientCertificate();
    const app = emulator.registerApplication({ certificates: [cert.certificate] });
    const once = assertion(app.clientId, cert);
    const credential = new ClientAssertionCredential(
      app.tenantId,
      app.clientId,
      async () => once,
      options(),
    );
    await credential.getToken(SCOPE);
    await rejectsWith(credential.getToken("https://vault.azure.net/.default"), {
      class: AuthenticationError,
      code: "invalid_client",
      message: /AADSTS700025: Client assertion has been used before \(jti replay\)/,
    });
  });

  test("a reused authorization code is invalid_grant, AADSTS54005", async () => {
    const app = emulator.registerApplication({
      clientSecret: "secret-of-the-app",
      redirectUris: [REDIRECT],
    });
    const code = await authorizationCode(app.clientId);
    const redeem = () =>
      new AuthorizationCodeCredential(
        app.tenantId,
        app.clientId,
        "secret-of-the-app",
        code,
        REDIRECT,
        options(),
      );
    await redeem().getToken("https://graph.microsoft.com/User.Read");
    await rejectsWith(redeem().getToken("https://graph.microsoft.com/User.Read"), {
      class: AuthenticationError,
      code: "invalid_grant",
      message: /AADSTS54005: OAuth2 Authorization code was already redeemed/,
    });
  });

  test("an expired authorization code is invalid_grant, AADSTS70008", async () => {
    const app = emulator.registerApplication({
      clientSecret: "secret-of-the-app",
      redirectUris: [REDIRECT],
    });
    const code = await authorizationCode(app.clientId);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const credential = new AuthorizationCodeCredential(
      app.tenantId,
      app.clientId,
      "secret-of-the-app",
      code,
      REDIRECT,
      options(),
    );
    await rejectsWith(credential.getToken("https://graph.microsoft.com/User.Read"), {
      class: AuthenticationError,
      code: "invalid_grant",
      message: /AADSTS70008: The provided authorization code or refresh token has expired/,
    });
  });

  test("a wrong PKCE verifier is invalid_grant, AADSTS501481", async () => {
    const app = emulator.registerApplication({ publicClient: true, redirectUris: [REDIRECT] });
    const verifier = "v".repeat(43);
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const code = await authorizationCode(app.clientId, challenge);
    const credential = new AuthorizationCodeCredential(app.tenantId, app.clientId, code, REDIRECT, {
      ...options(),
      codeVerifier: "w".repeat(43),
    });
    await rejectsWith(credential.getToken("https://graph.microsoft.com/User.Read"), {
      class: AuthenticationError,
      code: "invalid_grant",
      message: /AADSTS501481: The Code_Verifier does not match the code_challenge/,
    });
  });

  test("an unknown tenant is invalid_request, AADSTS90002, at the token endpoint and in discovery", async () => {
    const app = emulator.registerApplication({ clientSecret: "secret-of-the-app" });
    const credential = new ClientSecretCredential(
      "fabrikam.example",
      app.clientId,
      "secret-of-the-app",
      options(),
    );
    await rejectsWith(credential.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_request",
      message: /AADSTS90002: Tenant 'fabrikam\.example' not found/,
    });
    const oidc = await send(
      "/fabrikam.example/v2.0/.well-known/openid-configuration",
      "",
      "text/plain",
      "GET",
    );
    assert.equal(oidc.status, 400);
    assert.deepEqual(oidc.json.error_codes, [90002]);
  });

  test("a malformed form body is invalid_request, AADSTS900144, in Entra's error shape", async () => {
    const reply = await send(
      `/${emulator.tenantId}/oauth2/v2.0/token`,
      '{"grant_type":"client_credentials"}',
      "application/json",
    );
    assert.equal(reply.status, 400);
    assert.equal(reply.json.error, "invalid_request");
    assert.match(
      String(reply.json.error_description),
      /^AADSTS900144: .*'grant_type'.*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s,
    );
    assert.deepEqual(reply.json.error_codes, [900144]);
    for (const field of ["timestamp", "trace_id", "correlation_id", "error_uri"])
      assert.equal(typeof reply.json[field], "string", field);
  });

  test("registerApplication with bad arguments throws EmulatorError ERR_EMULATOR_ARGUMENT naming the field", () => {
    const cases: [unknown, RegExp][] = [
      ["s3cret", /registerApplication expects an options object/],
      [{ clientId: "not-a-guid" }, /"clientId" must be a GUID/],
      [{ clientSecret: 42 }, /"clientSecret" must be a non-empty string/],
      [{ certificates: ["not a certificate"] }, /"certificates" must hold PEM certificates/],
      [{ redirectUris: ["::"] }, /"redirectUris" holds "::", which is not a URL/],
      [{ tenantId: "common" }, /"tenantId" must name one tenant, not "common"/],
      [{ refreshIn: -1 }, /"refreshIn" must be a positive integer/],
    ];
    for (const [bad, message] of cases)
      throwsWith(() => emulator.registerApplication(bad as never), {
        class: EmulatorError,
        code: "ERR_EMULATOR_ARGUMENT",
        message,
      });
    const app = emulator.registerApplication();
    throwsWith(() => emulator.registerApplication({ clientId: app.clientId }), {
      class: EmulatorError,
      code: "ERR_EMULATOR_DUPLICATE",
      message: /the client id "[0-9a-f-]+" is already registered/,
    });
    throwsWith(() => emulator.failNext({}), {
      class: EmulatorError,
      code: "ERR_EMULATOR_ARGUMENT",
      message: /failNext needs a status, a delayMs or reset: true/,
    });
  });
});

describe("entra-zero/testing: other bad arguments", () => {
  test("registerUser, registerManagedIdentity and startEntraEmulator refuse bad options with ERR_EMULATOR_ARGUMENT", async () => {
    const argument = (message: RegExp) => ({
      class: EmulatorError,
      code: "ERR_EMULATOR_ARGUMENT",
      message,
    });
    throwsWith(
      () => emulator.registerUser({ username: "no at sign" }),
      argument(/"username" must be a sign-in name/),
    );
    throwsWith(
      () => emulator.registerUser(undefined as never),
      argument(/registerUser expects an options object/),
    );
    throwsWith(
      () => emulator.registerUser({ username: "a@b.example", requires: 1 as never }),
      argument(/"requires" must be 50076, 50079 or 50158/),
    );
    throwsWith(
      () => emulator.registerManagedIdentity({ resourceId: "rg/x" }),
      argument(/"resourceId" must be an ARM id/),
    );
    await rejectsWith(
      startEntraEmulator({ hostnames: ["bad host"] }),
      argument(/"hostnames" must be an array of host names/),
    );
    await rejectsWith(
      startEntraEmulator({ tenantId: "" }),
      argument(/"tenantId" must be a non-empty string/),
    );
    await rejectsWith(
      startEntraEmulator({ authorizationCodeLifetimeMs: 0 }),
      argument(/"authorizationCodeLifetimeMs" must be a positive number/),
    );
  });

  test("failNext({ reset: true }) drops the connection: without retries the credential reports a network error", async () => {
    const app = emulator.registerApplication({ clientSecret: "reset-test-secret" });
    const credential = new ClientSecretCredential(
      app.tenantId,
      app.clientId,
      "reset-test-secret",
      options(),
    );
    emulator.failNext({ reset: true });
    await rejectsWith(credential.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_NETWORK",
      message: /could not reach 127\.0\.0\.1:\d+: ECONNRESET/,
    });
    await credential.getToken(SCOPE);
  });
});

describe("entra-zero/testing: after close()", () => {
  test("requests are refused (a network error) and registering throws ERR_EMULATOR_CLOSED", async () => {
    const closing = await startEntraEmulator();
    const app = closing.registerApplication({ clientSecret: "secret-of-the-app" });
    const credential = new ClientSecretCredential(app.tenantId, app.clientId, "secret-of-the-app", {
      ...closing.credentialOptions(),
      retryOptions: { maxRetries: 0 },
    });
    await credential.getToken(SCOPE);
    await closing.close();
    await closing.close();
    await rejectsWith(credential.getToken("https://vault.azure.net/.default"), {
      class: AuthenticationError,
      code: "ERR_NETWORK",
      message: /could not reach 127\.0\.0\.1:\d+: (?:ECONNREFUSED|ECONNRESET)/,
    });
    throwsWith(() => closing.registerApplication(), {
      class: EmulatorError,
      code: "ERR_EMULATOR_CLOSED",
      message: /the emulator is closed/,
    });
  });
});
