import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  authorizationCodeGrant,
  clientCredentialsGrant,
  deviceCodeGrant,
  onBehalfOfGrant,
  refreshTokenGrant,
} from "../../lib/oauth/grants.js";
import { encodeForm } from "../../lib/oauth/form.js";
import { buildClaims } from "../../lib/oauth/claims.js";
import { clientAuthFields } from "../../lib/oauth/client_auth.js";

describe("grant form builders", () => {
  test("client_credentials keeps only resource scopes", () => {
    const grant = clientCredentialsGrant(["https://graph.microsoft.com/.default", "openid"]);
    assert.deepEqual(Object.entries(grant.fields), [
      ["scope", "https://graph.microsoft.com/.default"],
      ["grant_type", "client_credentials"],
    ]);
    assert.deepEqual(grant.secrets, []);
  });

  test("on-behalf-of: jwt-bearer grant, requested_token_use, the user assertion marked secret", () => {
    const grant = onBehalfOfGrant(["api://downstream/read"], "user.jwt.assertion");
    assert.deepEqual(Object.entries(grant.fields), [
      ["scope", "api://downstream/read openid profile offline_access"],
      ["grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"],
      ["client_info", "1"],
      ["requested_token_use", "on_behalf_of"],
      ["assertion", "user.jwt.assertion"],
    ]);
    assert.deepEqual(grant.secrets, ["user.jwt.assertion"]);
  });

  test("authorization_code with PKCE verifier; code and verifier are secrets", () => {
    const grant = authorizationCodeGrant(
      ["User.Read", "openid"],
      "the-code",
      "http://localhost:8400/cb",
      "verifier-123",
    );
    assert.deepEqual(Object.entries(grant.fields), [
      ["scope", "User.Read openid profile offline_access"],
      ["redirect_uri", "http://localhost:8400/cb"],
      ["grant_type", "authorization_code"],
      ["code", "the-code"],
      ["client_info", "1"],
      ["code_verifier", "verifier-123"],
    ]);
    assert.deepEqual(grant.secrets, ["the-code", "verifier-123"]);
    assert.equal("code_verifier" in authorizationCodeGrant(["a"], "c", "r").fields, false);
  });

  test("refresh_token", () => {
    const grant = refreshTokenGrant(["User.Read"], "rt-1");
    assert.deepEqual(Object.entries(grant.fields), [
      ["scope", "User.Read openid profile offline_access"],
      ["grant_type", "refresh_token"],
      ["client_info", "1"],
      ["refresh_token", "rt-1"],
    ]);
    assert.deepEqual(grant.secrets, ["rt-1"]);
  });

  test("device code polling", () => {
    assert.deepEqual(Object.entries(deviceCodeGrant("dc").fields), [
      ["grant_type", "urn:ietf:params:oauth:grant-type:device_code"],
      ["device_code", "dc"],
      ["client_info", "1"],
    ]);
  });

  test("form encoding uses %20 and escapes reserved characters", () => {
    assert.equal(
      encodeForm({ scope: "a b/.default", client_secret: "x+y=&z~" }),
      "scope=a%20b%2F.default&client_secret=x%2By%3D%26z~",
    );
  });
});

describe("client authentication fields", () => {
  test("secret", async () => {
    assert.deepEqual(await clientAuthFields("C", { kind: "secret", secret: "s" }, "https://e"), {
      fields: { client_secret: "s" },
      secrets: ["s"],
    });
  });
  test("assertion receives the exact token endpoint", async () => {
    let audience = "";
    const result = await clientAuthFields(
      "C",
      {
        kind: "assertion",
        getAssertion: (aud) => {
          audience = aud;
          return "jwt";
        },
      },
      "https://h/t/oauth2/v2.0/token",
    );
    assert.equal(audience, "https://h/t/oauth2/v2.0/token");
    assert.deepEqual(Object.entries(result.fields), [
      ["client_assertion", "jwt"],
      ["client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],
    ]);
  });
  test("none", async () => {
    assert.deepEqual(await clientAuthFields("C", { kind: "none" }, "https://e"), {
      fields: {},
      secrets: [],
    });
  });
});

describe("claims and CAE", () => {
  test("nothing to send", () => assert.equal(buildClaims("C", undefined, false), undefined));
  test("CAE alone", () =>
    assert.equal(
      buildClaims("C", undefined, true),
      '{"access_token":{"xms_cc":{"values":["cp1"]}}}',
    ));
  test("challenge alone is passed through", () =>
    assert.equal(
      buildClaims("C", '{"access_token":{"nbf":{"essential":true}}}', false),
      '{"access_token":{"nbf":{"essential":true}}}',
    ));
  test("challenge merged with CAE keeps the challenge", () => {
    assert.deepEqual(
      JSON.parse(
        buildClaims(
          "C",
          '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}},"id_token":{}}',
          true,
        )!,
      ),
      {
        access_token: {
          nbf: { essential: true, value: "1700000000" },
          xms_cc: { values: ["cp1"] },
        },
        id_token: {},
      },
    );
  });
  for (const bad of ["[]", "null", "3", "{"]) {
    test(`refuses claims ${bad}`, () =>
      assert.throws(() => buildClaims("C", bad, false), {
        code: "ERR_INVALID_ARG_VALUE",
        message: /"options.claims" must be a JSON object/,
      }));
  }
});
