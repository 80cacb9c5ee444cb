import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "../../lib/errors.js";
import { checkTimeout, clampMs, MAX_TIMEOUT_MS, requestTimeout } from "../../lib/util/timeout.js";
import { throwsWith } from "../support/assert_error.js";

test("clampMs bounds a delay, rounds it up, and reads NaN as the cap", () => {
  assert.equal(clampMs(2 ** 31, 0, 60_000), 60_000);
  assert.equal(clampMs(Number.POSITIVE_INFINITY, 0, 60_000), 60_000);
  assert.equal(clampMs(Number.NaN, 0, 60_000), 60_000);
  assert.equal(clampMs(-5, 10, 60_000), 10);
  assert.equal(clampMs(1.2, 0, 60_000), 2);
});

test("a caller's timeout of 2^31 ms or Infinity is capped at 10 minutes; a fraction rounds up", () => {
  assert.equal(MAX_TIMEOUT_MS, 600_000);
  for (const value of [2 ** 31, 2 ** 53, Number.POSITIVE_INFINITY, 600_001])
    assert.equal(checkTimeout("X", "opt", value), MAX_TIMEOUT_MS);
  assert.equal(checkTimeout("X", "opt", 1.2), 2);
  assert.equal(checkTimeout("X", "opt", 600_000), 600_000);
});

test("a negative, zero, NaN or non-number timeout is ERR_INVALID_ARG_VALUE naming the option", () => {
  for (const value of [-1, 0, Number.NaN, Number.NEGATIVE_INFINITY, "10", null])
    throwsWith(() => checkTimeout("X", "opt", value), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /^X: "opt" must be a positive number of milliseconds\.$/,
    });
});

test('requestOptions.timeout: absent or 0 ("no timeout" in core) leaves the default', () => {
  assert.equal(requestTimeout("X", undefined), undefined);
  assert.equal(requestTimeout("X", 0), undefined);
  assert.equal(requestTimeout("X", Number.POSITIVE_INFINITY), MAX_TIMEOUT_MS);
  throwsWith(() => requestTimeout("X", Number.NaN), {
    class: InvalidArgumentError,
    code: "ERR_INVALID_ARG_VALUE",
    message: /^X: "requestOptions\.timeout" must be a positive number/,
  });
});
