import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AuthenticationError, InvalidArgumentError } from "../../lib/errors.js";
import type { HttpResponse } from "../../lib/http/transport.js";
import {
  accountFromTokenResponse,
  deserializeAuthenticationRecord,
} from "../../lib/oauth/authentication_record.js";
import { resolveAuthority } from "../../lib/oauth/authority.js";
import { buildAuthorizeUrl } from "../../lib/oauth/authorize.js";
import { parseDeviceCodeResponse } from "../../lib/oauth/device_code_flow.js";
import { parseLoopbackRedirectUri } from "../../lib/oauth/loopback_redirect.js";
import {
  codeChallengeS256,
  constantTimeEqual,
  createPkcePair,
  CODE_VERIFIER_PATTERN,
} from "../../lib/oauth/pkce.js";
import { assertError, throwsWith } from "../support/assert_error.js";

const reply = (status: number, body: unknown): HttpResponse => ({
  status,
  headers: { "content-type": "application/json" },
  body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
});
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("PKCE and state", () => {
  test("RFC 7636 appendix B known answer", () => {
    assert.equal(
      codeChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  test("a fresh pair: 43-character verifier, S256 challenge, never the same twice", () => {
    const a = createPkcePair();
    const b = createPkcePair();
    assert.match(a.verifier, CODE_VERIFIER_PATTERN);
    assert.equal(a.challenge, codeChallengeS256(a.verifier));
    assert.equal(a.method, "S256");
    assert.notEqual(a.verifier, b.verifier);
  });

  test("constantTimeEqual compares content and length", () => {
    assert.equal(constantTimeEqual("abc", "abc"), true);
    assert.equal(constantTimeEqual("abc", "abd"), false);
    assert.equal(constantTimeEqual("abc", "abcd"), false);
    assert.equal(constantTimeEqual("", ""), true);
  });
});

describe("authorize URL", () => {
  test("carries exactly the authorization-code-with-PKCE parameters", () => {
    const authority = resolveAuthority("T", "https://login.microsoftonline.com", {});
    const url = new URL(
      buildAuthorizeUrl(authority, {
        tenantId: "contoso.com",
        clientId: "cid",
        redirectUri: "http://localhost:1234",
        scopes: ["User.Read", "openid"],
        state: "st",
        codeChallenge: "ch",
        claims: '{"a":1}',
      }),
    );
    assert.equal(
      url.origin + url.pathname,
      "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize",
    );
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      client_id: "cid",
      response_type: "code",
      redirect_uri: "http://localhost:1234",
      scope: "User.Read openid profile offline_access",
      response_mode: "query",
      state: "st",
      code_challenge: "ch",
      code_challenge_method: "S256",
      client_info: "1",
      prompt: "select_account",
      claims: '{"a":1}',
    });
  });
});

describe("loopback redirect URIs", () => {
  // `sent` is the redirect URI sent once the server listens on port 1234.
  type Expected = { port: number; path: string; sent: string } | RegExp;
  const cases: Array<[string | undefined, Expected]> = [
    [undefined, { port: 0, path: "/", sent: "http://localhost:1234" }],
    ["http://localhost:8400", { port: 8400, path: "/", sent: "http://localhost:8400" }],
    ["http://127.0.0.1/cb", { port: 0, path: "/cb", sent: "http://127.0.0.1:1234/cb" }],
    ["http://localhost/", { port: 0, path: "/", sent: "http://localhost:1234/" }],
    ["https://localhost/cb", /must be http:\/\/localhost/],
    ["http://localhost.evil.example/", /must be http:\/\/localhost/],
    ["http://user@localhost/", /must be http:\/\/localhost/],
    ["http://localhost/#frag", /must be http:\/\/localhost/],
  ];
  for (const [input, expected] of cases) {
    test(`${String(input)}`, () => {
      if (expected instanceof RegExp)
        throwsWith(() => parseLoopbackRedirectUri("X", input), {
          class: InvalidArgumentError,
          code: "ERR_INVALID_ARG_VALUE",
          message: expected,
        });
      else {
        const { port, path, withPort } = parseLoopbackRedirectUri("X", input);
        assert.deepEqual({ port, path, sent: withPort(1234) }, expected);
      }
    });
  }
});

describe("device authorization reply parser", () => {
  const valid = {
    device_code: "DC-secret-value-123",
    user_code: "ABCD1234",
    verification_uri: "https://microsoft.com/devicelogin",
    expires_in: 900,
    interval: 5,
    message: "Go there.",
  };

  test("a valid reply", () => {
    assert.deepEqual(parseDeviceCodeResponse(reply(200, valid), "D"), {
      deviceCode: "DC-secret-value-123",
      userCode: "ABCD1234",
      verificationUri: "https://microsoft.com/devicelogin",
      message: "Go there.",
      expiresInSeconds: 900,
      intervalSeconds: 5,
    });
  });

  test("ADFS-style verification_url, string numbers, default interval and message", () => {
    const { verification_uri: _unused, interval: _interval, message: _message, ...rest } = valid;
    const info = parseDeviceCodeResponse(
      reply(200, { ...rest, verification_url: "https://adfs.example/device", expires_in: "600" }),
      "D",
    );
    assert.equal(info.verificationUri, "https://adfs.example/device");
    assert.equal(info.expiresInSeconds, 600);
    assert.equal(info.intervalSeconds, 5);
    assert.match(
      info.message,
      /open the page https:\/\/adfs\.example\/device and enter the code ABCD1234/,
    );
  });

  const bad: Array<[string, HttpResponse, string, RegExp]> = [
    [
      "an Entra error",
      reply(400, {
        error: "invalid_client",
        error_description: "AADSTS7000218: public client flows disabled.",
      }),
      "invalid_client",
      /^D: invalid_client \(HTTP 400\): AADSTS7000218/,
    ],
    [
      "HTML",
      {
        status: 200,
        headers: { "content-type": "text/html" },
        body: Buffer.from("<html>portal</html>"),
      },
      "ERR_RESPONSE_NOT_JSON",
      /device code endpoint's response is not JSON/,
    ],
    [
      "no user_code",
      reply(200, { ...valid, user_code: undefined }),
      "ERR_RESPONSE_INVALID",
      /lacks "user_code"/,
    ],
    [
      "no expires_in",
      reply(200, { ...valid, expires_in: "soon" }),
      "ERR_RESPONSE_INVALID",
      /no valid "expires_in"/,
    ],
    [
      "a negative interval",
      reply(200, { ...valid, interval: -1 }),
      "ERR_RESPONSE_INVALID",
      /invalid "interval"/,
    ],
  ];
  for (const [name, response, code, message] of bad) {
    test(`${name} is refused`, () => {
      try {
        parseDeviceCodeResponse(response, "D");
        assert.fail("expected a throw");
      } catch (error) {
        const e = assertError(error, { class: AuthenticationError, code, message });
        assert.ok(!e.message.includes("DC-secret-value-123"), "the device code is never quoted");
      }
    });
  }
});

describe("AuthenticationRecord", () => {
  test("from client_info and the id token's claims", () => {
    const record = accountFromTokenResponse("https://login.microsoftonline.com", "cid", {
      clientInfo: b64({ uid: "oid-1", utid: "home-tid" }),
      idToken: `${b64({ alg: "none" })}.${b64({ tid: "res-tid", preferred_username: "ada@contoso.com" })}.`,
    });
    assert.deepEqual(record, {
      authority: "login.microsoftonline.com",
      homeAccountId: "oid-1.home-tid",
      clientId: "cid",
      tenantId: "res-tid",
      username: "ada@contoso.com",
      version: "1.0",
    });
  });

  test("no account evidence, or garbage, gives no record", () => {
    assert.equal(accountFromTokenResponse("https://h", "c", {}), undefined);
    assert.equal(
      accountFromTokenResponse("https://h", "c", {
        clientInfo: "%%%",
        idToken: "a.b.c",
      }),
      undefined,
    );
  });

  test("deserialize refuses other versions and malformed records", () => {
    const good = {
      authority: "a",
      homeAccountId: "h",
      clientId: "c",
      tenantId: "t",
      username: "u",
    };
    assert.deepEqual(deserializeAuthenticationRecord(JSON.stringify(good)), good);
    throwsWith(() => deserializeAuthenticationRecord(JSON.stringify({ ...good, version: "2.0" })), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /unsupported AuthenticationRecord version "2\.0"/,
    });
    throwsWith(() => deserializeAuthenticationRecord(JSON.stringify({ ...good, username: 7 })), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"username" must be a string/,
    });
    throwsWith(() => deserializeAuthenticationRecord("nope"), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /not a JSON object/,
    });
  });
});
