import assert from "node:assert/strict";
import { test } from "node:test";
import { AuthenticationError, InvalidArgumentError } from "../../lib/errors.js";
import { deserializeAuthenticationRecord } from "../../lib/oauth/authentication_record.js";
import { parseDeviceCodeResponse } from "../../lib/oauth/device_code_flow.js";
import { redactSecrets } from "../../lib/util/redact.js";
import { throwsWith } from "../support/assert_error.js";

// Defects the fuzz campaign (bench/fuzz.mjs) found, each named after what broke.

test("a 50,000-character device code no longer makes redaction throw a raw SyntaxError (regular expression too large)", () => {
  const deviceCode = "A".repeat(50_000);
  const body = Buffer.from(JSON.stringify({ device_code: deviceCode, user_code: "U" }));
  const started = performance.now();
  const error = throwsWith(
    () => parseDeviceCodeResponse({ status: 200, headers: {}, body }, "DeviceCodeCredential"),
    {
      class: AuthenticationError,
      code: "ERR_RESPONSE_INVALID",
      message: /lacks "verification_uri"/,
    },
  );
  assert.ok(!error.message.includes("A".repeat(300)), "the device code is redacted");
  assert.ok(performance.now() - started < 1000, "redaction of a long secret is quick");
});

test("a long secret is redacted as sent, JSON-escaped and percent-encoded (either hex case, + for space)", () => {
  const secret = `${'s/e c"r'.repeat(60)}é`;
  const json = JSON.stringify(secret).slice(1, -1);
  const percent = encodeURIComponent(secret);
  for (const form of [
    secret,
    json,
    json.replaceAll("/", "\\/"),
    percent,
    percent.toLowerCase(),
    percent.replaceAll("%20", "+"),
  ]) {
    assert.equal(redactSecrets(`before ${form} after`, [secret]), "before [REDACTED] after");
  }
});

test("an AuthenticationRecord version holding a line separator does not reach the message as a line break", () => {
  const text = JSON.stringify({ version: "1.0\u2028FORGED: line\r\n" });
  const error = throwsWith(() => deserializeAuthenticationRecord(text), {
    class: InvalidArgumentError,
    code: "ERR_INVALID_ARG_VALUE",
    message: /unsupported AuthenticationRecord version/,
  });
  assert.doesNotMatch(error.message, /[\r\n\u2028\u2029]/);
});
