import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AuthenticationError,
  CredentialUnavailableError,
  AggregateAuthenticationError,
} from "../../lib/errors.js";
import { UsageError } from "../../lib/cli/arguments.js";
import { EXIT, exitCodeOf } from "../../lib/cli/exit_codes.js";
import {
  azExpiresOn,
  DECODE_NOTE,
  decodeJwt,
  formatToken,
  TokenFormatError,
} from "../../lib/cli/output.js";
import { throwsWith } from "../support/assert_error.js";

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const JWT = `${b64({ alg: "RS256", typ: "JWT", kid: "k1" })}.${b64({ tid: "t-1", aud: "https://vault.azure.net", exp: 1_900_000_000 })}.c2ln`;
const EXPIRES = Date.UTC(2030, 0, 2, 3, 4, 5, 678);

describe("entra-token output", () => {
  test("token and header", () => {
    const token = { token: "abc.def", expiresOnTimestamp: EXPIRES, tokenType: "Bearer" as const };
    assert.equal(formatToken(token, "token"), "abc.def\n");
    assert.equal(formatToken(token, "header"), "Authorization: Bearer abc.def\n");
  });

  test("json mirrors az: keys in az's order, expiresOn in local time, no subscription", () => {
    const token = { token: JWT, expiresOnTimestamp: EXPIRES, tokenType: "Bearer" as const };
    const text = formatToken(token, "json", "requested-tenant");
    const json = JSON.parse(text);
    assert.deepEqual(Object.keys(json), [
      "accessToken",
      "expiresOn",
      "expires_on",
      "tenant",
      "tokenType",
    ]);
    assert.equal(json.accessToken, JWT);
    assert.equal(json.expires_on, Math.floor(EXPIRES / 1000));
    assert.equal(json.tenant, "t-1", "the token's tid wins");
    assert.equal(json.tokenType, "Bearer");
    const local = new Date(EXPIRES);
    assert.match(json.expiresOn, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(json.expiresOn.slice(11, 13), String(local.getHours()).padStart(2, "0"));
    assert.ok(json.expiresOn.endsWith(":05.678000"));
    const opaque = JSON.parse(formatToken({ ...token, token: "opaque" }, "json", "asked"));
    assert.equal(opaque.tenant, "asked");
    assert.ok(!("tenant" in JSON.parse(formatToken({ ...token, token: "opaque" }, "json"))));
  });

  test("azExpiresOn in a fixed zone", () => {
    const zone = process.env.TZ;
    try {
      process.env.TZ = "UTC";
      assert.equal(azExpiresOn(EXPIRES), "2030-01-02 03:04:05.678000");
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  test("--decode: the note, the JOSE header and the claims", () => {
    const token = { token: JWT, expiresOnTimestamp: EXPIRES, tokenType: "Bearer" as const };
    const decoded = JSON.parse(formatToken(token, "decode"));
    assert.equal(decoded.note, DECODE_NOTE);
    assert.match(decoded.note, /without verifying the signature/);
    assert.deepEqual(decoded.header, { alg: "RS256", typ: "JWT", kid: "k1" });
    assert.equal(decoded.claims.tid, "t-1");
  });

  for (const [what, token] of [
    ["an opaque token", "opaque-token-value"],
    ["two segments", `${b64({ alg: "none" })}.${b64({ a: 1 })}`],
    ["a header that is not JSON", `bm90IGpzb24.${b64({ a: 1 })}.x`],
    ["claims that are an array", `${b64({ alg: "RS256" })}.${b64([1])}.x`],
    ["an encrypted token (five segments)", `${b64({ alg: "RSA-OAEP" })}.a.b.c.d`],
  ] as const) {
    test(`--decode of ${what}: ERR_TOKEN_NOT_JWT, the token not echoed`, () => {
      const error = throwsWith(() => decodeJwt(token), {
        class: TokenFormatError,
        code: "ERR_TOKEN_NOT_JWT",
        message: /^the token is not a JWT .* so --decode cannot show it/,
      });
      assert.ok(!error.message.includes(token));
      assert.equal(exitCodeOf(error), EXIT.failure);
    });
  }

  test("exit codes by failure class", () => {
    const unavailable = new CredentialUnavailableError("x");
    const refused = new AuthenticationError(401, { error: "invalid_client" });
    const network = new AuthenticationError(0, null, { code: "ERR_NETWORK", message: "down" });
    assert.equal(exitCodeOf(new UsageError("ERR_USAGE_CONFLICT", "x")), 2);
    assert.equal(exitCodeOf(unavailable), 3);
    assert.equal(exitCodeOf(refused), 4);
    assert.equal(exitCodeOf(network), 5);
    for (const code of ["ERR_TIMEOUT", "ERR_PROXY", "ERR_TLS_CERTIFICATE"]) {
      assert.equal(exitCodeOf(new AuthenticationError(0, null, { code, message: "x" })), 5);
    }
    assert.equal(exitCodeOf(new AggregateAuthenticationError([unavailable, unavailable])), 3);
    assert.equal(exitCodeOf(new AggregateAuthenticationError([unavailable, network])), 5);
    assert.equal(exitCodeOf(new AggregateAuthenticationError([network, refused])), 4);
    assert.equal(
      exitCodeOf(Object.assign(new TypeError("x"), { code: "ERR_INVALID_ARG_VALUE" })),
      2,
    );
    assert.equal(exitCodeOf(new Error("bug")), 1);
  });
});
