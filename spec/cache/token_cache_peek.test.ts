import assert from "node:assert/strict";
import { test } from "node:test";
import { TokenCache, EXPIRY_MARGIN_MS } from "../../lib/cache/token_cache.js";
import type { AccessToken } from "../../lib/types.js";
import type { CredentialLogger } from "../../lib/util/logger.js";

const HOUR = 3600_000;
const silent = () => {};
const logger: CredentialLogger = {
  verbose: silent,
  info: silent,
  warning: silent,
  error: silent,
  enabled: () => false,
};

test("TokenCache.peek serves exactly what get serves without a request, and never fetches", async () => {
  let now = 1_000_000_000_000;
  const cache = new TokenCache({ now: () => now, logger });
  let fetches = 0;
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const fetch = async (): Promise<AccessToken> => {
    const n = ++fetches;
    if (n === 1)
      return {
        token: "t1",
        expiresOnTimestamp: now + 24 * HOUR,
        refreshAfterTimestamp: now + 12 * HOUR,
        tokenType: "Bearer",
      };
    await gate;
    return { token: `t${n}`, expiresOnTimestamp: now + HOUR, tokenType: "Bearer" };
  };
  const get = () => cache.get("k", fetch, { abortMessage: "aborted" });

  assert.equal(cache.peek("k"), undefined, "nothing cached yet");
  await get();
  assert.equal(cache.peek("k")?.token, "t1");
  now += 12 * HOUR;
  assert.equal(cache.peek("k"), undefined, "a background refresh is due: get decides");
  assert.equal((await get()).token, "t1");
  assert.equal(cache.peek("k")?.token, "t1", "served while the refresh is in flight");
  release();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(cache.peek("k")?.token, "t2");
  now += HOUR - EXPIRY_MARGIN_MS;
  assert.equal(cache.peek("k"), undefined, "within the expiry margin");
  assert.equal(fetches, 2);
});
