import assert from "node:assert/strict";
import { inspect } from "node:util";

/** What a failure test expects of an error: its class, `code`, and message gist. */
export interface ExpectedError {
  class: abstract new (...args: never[]) => Error;
  name?: string;
  code: string;
  message: RegExp;
}

/** Asserts an error's class, name, code and message gist; returns it for further checks. */
export function assertError(error: unknown, expected: ExpectedError): Error & { code: string } {
  assert.ok(
    error instanceof expected.class,
    `expected ${expected.class.name}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
  const e = error as Error & { code: string };
  if (expected.name) assert.equal(e.name, expected.name);
  assert.equal(e.code, expected.code, `code of: ${e.message}`);
  assert.match(e.message, expected.message);
  return e;
}

/** Awaits a promise that must reject, and checks the rejection like {@link assertError}. */
export async function rejectsWith(
  promise: Promise<unknown>,
  expected: ExpectedError,
): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (error) {
    return assertError(error, expected);
  }
  assert.fail(`expected a rejection with ${expected.code}`);
}

/** Calls a function that must throw, and checks the error like {@link assertError}. */
export function throwsWith(fn: () => unknown, expected: ExpectedError): Error & { code: string } {
  try {
    fn();
  } catch (error) {
    return assertError(error, expected);
  }
  assert.fail(`expected a throw with ${expected.code}`);
}

/** Asserts a secret appears nowhere in an error: message, stack, JSON, or its cause's. */
export function assertNoSecret(error: unknown, secret: string): void {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    assert.ok(!current.message.includes(secret), "secret in message");
    assert.ok(!(current.stack ?? "").includes(secret), "secret in stack");
    assert.ok(!JSON.stringify(current).includes(secret), "secret in JSON.stringify");
    current = current.cause;
  }
}

/**
 * Asserts a secret appears nowhere, in any form a reply may echo it (as is, JSON-escaped,
 * percent-encoded): not in the message, stack, `JSON.stringify`, `util.inspect(error, {depth: 10})`
 * of the error, nor in `logLines`; and that no cause in the chain keeps Node's `rawPacket`.
 */
export function assertSecretNowhere(error: unknown, secret: string, logLines: string[] = []): void {
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [secret, json, json.replaceAll("/", "\\/"), encodeURIComponent(secret)];
  const e = error as Error;
  const places = {
    message: e.message,
    stack: e.stack ?? "",
    "JSON.stringify": JSON.stringify(error),
    "util.inspect": inspect(error, { depth: 10 }),
    "log lines": logLines.join("\n"),
  };
  for (const [place, text] of Object.entries(places)) {
    for (const form of new Set(forms)) assert.ok(!text.includes(form), `${form} in ${place}`);
  }
  for (let c: unknown = error; c instanceof Object; c = (c as Error).cause) {
    assert.ok(!("rawPacket" in c), "rawPacket kept on a cause");
  }
}
