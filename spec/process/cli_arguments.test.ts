import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkCliScopes,
  checkProcessTimeout,
  checkSubscription,
} from "../../lib/process/cli_arguments.js";
import { InvalidArgumentError } from "../../lib/errors.js";

function refused(fn: () => unknown, gist: RegExp, secret?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.equal(e.name, "TypeError");
    assert.equal(e.code, "ERR_INVALID_ARG_VALUE");
    assert.match(e.message, gist);
    if (secret) assert.ok(!e.message.includes(secret), "the value is not echoed");
    return true;
  });
}

const injections = [
  "a;b",
  "a && b",
  "a`id`",
  "$(id)",
  "a'b",
  'a"b',
  "a\nb",
  "%PATH%",
  "a b",
  "a|b",
  "a\\b",
];

test("CLI scopes: allowed characters pass, every injection attempt is refused naming scopes[i]", () => {
  assert.deepEqual(checkCliScopes("X", "https://vault.azure.net/.default"), [
    "https://vault.azure.net/.default",
  ]);
  assert.deepEqual(checkCliScopes("X", ["api://a_b-c.d/e:f"]), ["api://a_b-c.d/e:f"]);
  for (const value of injections)
    refused(() => checkCliScopes("X", ["ok", `https://x/${value}`]), /^X: "scopes\[1\]"/, value);
  refused(() => checkCliScopes("X", []), /"scopes" must be/);
});

test("exactly one scope for single-resource tools", () => {
  assert.deepEqual(checkCliScopes("X", ["a"], true), ["a"]);
  refused(() => checkCliScopes("X", ["a", "b"], true), /^X: "scopes" must hold exactly one scope/);
});

test("subscriptions: names with spaces pass; injections are refused without echoing the value", () => {
  assert.equal(checkSubscription("X", "My Sub_1.0-a"), "My Sub_1.0-a");
  assert.equal(checkSubscription("X", undefined), undefined);
  for (const value of injections.filter((v) => v !== "a b"))
    refused(() => checkSubscription("X", value), /^X: "subscription" may only contain/, value);
  refused(() => checkSubscription("X", ""), /"subscription"/);
  refused(() => checkSubscription("X", 5), /"subscription"/);
});

test("process timeout must be a positive number; 2^31 ms or Infinity is capped at 10 minutes", () => {
  assert.equal(checkProcessTimeout("X", 1.2), 2);
  assert.equal(checkProcessTimeout("X", Number.POSITIVE_INFINITY), 600_000);
  assert.equal(checkProcessTimeout("X", 2 ** 31), 600_000);
  for (const value of [0, -1, Number.NaN, "10"])
    refused(() => checkProcessTimeout("X", value), /^X: "processTimeoutInMs" must be a positive/);
});
