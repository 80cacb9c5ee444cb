import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "../../lib/errors.js";
import { resolveAuthority } from "../../lib/oauth/authority.js";
import { throwsWith } from "../support/assert_error.js";

// A defect the injection sweep (injection.test.ts) found in authority parsing (an internal module,
// so this spec stays on lib/ rather than the bundle).

test("an authorityHost with a line break was silently stripped by the URL parser, and one with ../ resolved: both are refused", () => {
  for (const host of [
    "https://login.example.com/a\r\nX-Injected: 1",
    "https://login.example.com/a\tb",
    "https://login.example.com/x/../../etc",
    "https://login.example.com/x/%2e%2e/y",
    "https://login.example.com/x\\..\\y",
    "https://login.example.com/./x",
    "https://login.example.com/a\u2028b",
  ]) {
    const error = throwsWith(() => resolveAuthority("X", host, {}), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message:
        /^X: "authorityHost" must not contain whitespace, control characters or "\." and "\.\." path segments/,
    });
    assert.ok(!error.message.includes("X-Injected"), "the value is not echoed");
  }
  assert.equal(
    resolveAuthority("X", "https://login.example.com/prefix/", {}).host,
    "https://login.example.com/prefix",
  );
  assert.equal(
    resolveAuthority("X", " https://login.example.com ", {}).host,
    "https://login.example.com",
  );
  assert.equal(
    resolveAuthority("X", "https://login.example.com/a..b/%2e%2ex", {}).host,
    "https://login.example.com/a..b/%2e%2ex",
  );
});
