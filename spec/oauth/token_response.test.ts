import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AuthenticationError } from "../../lib/errors.js";
import { parseTokenResponse } from "../../lib/oauth/token_response.js";
import { assertError, assertSecretNowhere } from "../support/assert_error.js";

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

describe("parseTokenResponse: reply values are bounded", () => {
  const token = (fields: string) => `{"token_type":"Bearer","access_token":"at",${fields}}`;
  const cases: Array<[string, number, string, RegExp]> = [
    [
      "expires_in of 400 digits read as Infinity and was accepted",
      200,
      token(`"expires_in":"${"9".repeat(400)}"`),
      /"expires_in" must be a number of seconds from 0 to 31536000 \(a year\)/,
    ],
    ["expires_in 1e303 was accepted", 200, token(`"expires_in":1e303`), /"expires_in" must be/],
    ["expires_in over a year was accepted", 200, token(`"expires_in":31536001`), /"expires_in"/],
    [
      "refresh_in of 400 digits was accepted",
      200,
      token(`"expires_in":60,"refresh_in":"${"9".repeat(400)}"`),
      /"refresh_in" must be a number of seconds from 0 to 31536000/,
    ],
    ["an empty error became an empty code", 400, '{"error":""}', /"error" must be a non-empty/],
    [
      "an error of control characters only became an empty code",
      200,
      '{"error":"\\u0000\\r\\n"}',
      /"error" must be a non-empty string/,
    ],
  ];
  for (const [name, status, body, message] of cases) {
    test(name, () => {
      let caught: unknown;
      try {
        parseTokenResponse(reply(status, body), context);
      } catch (error) {
        caught = error;
      }
      assertError(caught, { class: AuthenticationError, code: "ERR_RESPONSE_INVALID", message });
    });
  }

  test("a lifetime of exactly a year is accepted", () => {
    const result = parseTokenResponse(reply(200, token(`"expires_in":31536000`)), context);
    assert.equal(result.expiresOnTimestamp, START + 31_536_000_000);
  });

  test("CR, LF, NUL and line separators in the server's error text reached error.message", () => {
    const body = JSON.stringify({
      error: "invalid_client\r\nerror TestCredential: forged",
      error_description: "AADSTS7000215: bad\u0000 secret\u2028forged.\r\nTrace ID: t-1",
      trace_id: "t\r\n1",
      correlation_id: "c\u0085d",
      timestamp: "2024-01-01\n",
    });
    let caught: unknown;
    try {
      parseTokenResponse(reply(401, body), context);
    } catch (error) {
      caught = error;
    }
    const error = assertError(caught, {
      class: AuthenticationError,
      code: "invalid_client error TestCredential: forged",
      message:
        /^TestCredential: invalid_client error TestCredential: forged \(HTTP 401\): AADSTS7000215: bad  secret forged\. \(Trace ID: t 1, Correlation ID: c d\)$/,
    }) as AuthenticationError;
    assert.deepEqual(error.errorResponse, {
      error: "invalid_client error TestCredential: forged",
      errorDescription: "AADSTS7000215: bad  secret forged.\nTrace ID: t-1",
      traceId: "t 1",
      correlationId: "c d",
      timestamp: "2024-01-01",
    });
  });

  test("secrets the request carried were echoed verbatim in error, trace_id, correlation_id and timestamp", () => {
    const secrets = ["k9", "7f3c2a10-5b7e-4d2a-9c1e-0a1b2c3d4e5f", 'p/w "x" é+1'];
    for (const secret of secrets) {
      const json = JSON.stringify(secret).slice(1, -1);
      const body = JSON.stringify({
        error: `bad_${secret}`,
        error_description: `you sent ${secret}, ${encodeURIComponent(secret)} and ${json.replaceAll("/", "\\/")}`,
        trace_id: secret,
        correlation_id: encodeURIComponent(secret).toLowerCase(),
        timestamp: `${secret}Z`,
      });
      let caught: unknown;
      try {
        parseTokenResponse(reply(400, body), { ...context, secrets: [secret] });
      } catch (error) {
        caught = error;
      }
      const error = assertError(caught, {
        class: AuthenticationError,
        code: "bad_[REDACTED]",
        message:
          /^TestCredential: bad_\[REDACTED\] \(HTTP 400\): you sent \[REDACTED\], \[REDACTED\] and \[REDACTED\]/,
      });
      assertSecretNowhere(error, secret);
    }
  });
});
