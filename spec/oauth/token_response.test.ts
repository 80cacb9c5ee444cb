import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AuthenticationError } from "../../lib/errors.js";
import { parseTokenResponse } from "../../lib/oauth/token_response.js";
import { assertError } from "../support/assert_error.js";

const START = 1_700_000_000_000;
const context = {
  credentialName: "TestCredential",
  requestStartMs: START,
  secrets: ["the-client-secret"],
};
const reply = (status: number, body: string, contentType = "application/json") => ({
  status,
  headers: { "content-type": contentType },
  body: Buffer.from(body),
});

describe("parseTokenResponse: accepted shapes", () => {
  const cases: Array<
    [string, string, { expires: number; refresh?: number; refreshToken?: string }]
  > = [
    [
      "expires_in-as-number",
      '{"token_type":"Bearer","expires_in":3599,"access_token":"at"}',
      { expires: START + 3599_000 },
    ],
    [
      "expires_in-as-string",
      '{"token_type":"Bearer","expires_in":"3599","access_token":"at"}',
      { expires: START + 3599_000 },
    ],
    [
      "token_type-lowercase",
      '{"token_type":"bearer","expires_in":60,"access_token":"at"}',
      { expires: START + 60_000 },
    ],
    [
      "refresh_in-sets-refreshAfter",
      '{"token_type":"Bearer","expires_in":86399,"refresh_in":43199,"access_token":"at"}',
      { expires: START + 86399_000, refresh: START + 43199_000 },
    ],
    [
      "long-lived-without-refresh_in-refreshes-at-half-life",
      '{"token_type":"Bearer","expires_in":7200,"access_token":"at"}',
      { expires: START + 7200_000, refresh: START + 3600_000 },
    ],
    [
      "refresh_token-kept",
      '{"token_type":"Bearer","expires_in":3599,"access_token":"at","refresh_token":"rt","id_token":"it","client_info":"ci","scope":"a b"}',
      { expires: START + 3599_000, refreshToken: "rt" },
    ],
    [
      "unknown-fields-ignored",
      '{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"at","foo":{"bar":1}}',
      { expires: START + 3599_000 },
    ],
  ];
  for (const [name, body, expected] of cases) {
    test(name, () => {
      const result = parseTokenResponse(reply(200, body), context);
      assert.equal(result.accessToken, "at");
      assert.equal(result.expiresOnTimestamp, expected.expires);
      assert.equal(result.refreshAfterTimestamp, expected.refresh);
      assert.equal(result.refreshToken, expected.refreshToken);
    });
  }
});

describe("parseTokenResponse: refused shapes", () => {
  const cases: Array<[string, number, string, string, string, RegExp]> = [
    [
      "invalid_client-7000215",
      401,
      '{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215],"trace_id":"t1","correlation_id":"c1"}',
      "application/json",
      "invalid_client",
      /^TestCredential: invalid_client \(HTTP 401\): AADSTS7000215: Invalid client secret provided\. \(Trace ID: t1, Correlation ID: c1\)$/,
    ],
    [
      "error-body-on-200",
      200,
      '{"error":"invalid_grant","error_description":"AADSTS70000"}',
      "application/json",
      "invalid_grant",
      /invalid_grant \(HTTP 200\): AADSTS70000/,
    ],
    [
      "html-on-200",
      200,
      "<html><body>proxy login</body></html>",
      "text/html",
      "ERR_RESPONSE_NOT_JSON",
      /not JSON \(HTTP 200, content-type text\/html, body starting "<html><body>proxy login<\/body><\/html>"\)/,
    ],
    ["empty-body", 200, "", "application/json", "ERR_RESPONSE_NOT_JSON", /body starting ""/],
    [
      "json-array",
      200,
      "[1,2]",
      "application/json",
      "ERR_RESPONSE_INVALID",
      /is not a JSON object/,
    ],
    ["json-null", 200, "null", "application/json", "ERR_RESPONSE_INVALID", /is not a JSON object/],
    [
      "missing-access_token",
      200,
      '{"token_type":"Bearer","expires_in":1}',
      "application/json",
      "ERR_RESPONSE_INVALID",
      /"access_token" must be a non-empty string/,
    ],
    [
      "numeric-access_token",
      200,
      '{"token_type":"Bearer","expires_in":1,"access_token":5}',
      "application/json",
      "ERR_RESPONSE_INVALID",
      /"access_token"/,
    ],
    [
      "pop-token_type",
      200,
      '{"token_type":"pop","expires_in":1,"access_token":"at"}',
      "application/json",
      "ERR_RESPONSE_INVALID",
      /"token_type" must be "Bearer"/,
    ],
    [
      "missing-token_type",
      200,
      '{"expires_in":1,"access_token":"at"}',
      "application/json",
      "ERR_RESPONSE_INVALID",
      /"token_type"/,
    ],
    [
      "negative-expires_in",
      200,
      '{"token_type":"Bearer","expires_in":-5,"access_token":"at"}',
      "application/json",
      "ERR_RESPONSE_INVALID",
      /"expires_in" must be a number of seconds from 0 to 31536000/,
    ],
    [
      "garbage-expires_in",
      200,
      '{"token_type":"Bearer","expires_in":"1h","access_token":"at"}',
      "application/json",
      "ERR_RESPONSE_INVALID",
      /"expires_in"/,
    ],
    [
      "garbage-refresh_in",
      200,
      '{"token_type":"Bearer","expires_in":60,"refresh_in":"x","access_token":"at"}',
      "application/json",
      "ERR_RESPONSE_INVALID",
      /"refresh_in"/,
    ],
    [
      "numeric-refresh_token",
      200,
      '{"token_type":"Bearer","expires_in":60,"access_token":"at","refresh_token":7}',
      "application/json",
      "ERR_RESPONSE_INVALID",
      /"refresh_token" must be a string/,
    ],
    [
      "502-plain-text",
      502,
      "Bad Gateway",
      "text/plain",
      "ERR_HTTP_STATUS",
      /failed without an OAuth error body \(HTTP 502, content-type text\/plain, body starting "Bad Gateway"\)/,
    ],
  ];
  for (const [name, status, body, contentType, code, message] of cases) {
    test(name, () => {
      let caught: unknown;
      try {
        parseTokenResponse(reply(status, body, contentType), context);
      } catch (error) {
        caught = error;
      }
      const error = assertError(caught, { class: AuthenticationError, code, message });
      assert.equal((error as AuthenticationError).statusCode, status);
    });
  }

  test("a token in a refused body is never echoed", () => {
    const body =
      '{"token_type":"pop","expires_in":1,"access_token":"eyJhbGciOi.eyJzdWIiOiJ4In0.sig"}';
    assert.throws(
      () => parseTokenResponse(reply(200, body), context),
      (e: Error) => !e.message.includes("eyJ"),
    );
  });

  test("secrets echoed by a misbehaving server are redacted from the body excerpt", () => {
    const body =
      "<p>you sent client_secret=the-client-secret and a token eyJabcdef.eyJabcdef.sig</p>";
    assert.throws(
      () => parseTokenResponse(reply(400, body, "text/html"), context),
      (e: Error) =>
        !e.message.includes("the-client-secret") &&
        !e.message.includes("eyJabcdef") &&
        /\[REDACTED\]/.test(e.message),
    );
  });
});
