import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  TokenCache,
  EXPIRY_MARGIN_MS,
  REFRESH_RETRY_DELAY_MS,
} from "../../lib/cache/token_cache.js";
import { AbortError } from "../../lib/errors.js";
import { rejectsWith } from "../support/assert_error.js";
import type { AbortSignalLike, AccessToken } from "../../lib/types.js";
import type { CredentialLogger } from "../../lib/util/logger.js";

const HOUR = 3600_000;

function harness() {
  let now = 1_000_000_000_000;
  const warnings: string[] = [];
  const logger: CredentialLogger = {
    verbose() {},
    info() {},
    error() {},
    warning: (m) => warnings.push(m),
    enabled: () => true,
  };
  const cache = new TokenCache({ now: () => now, logger });
  let fetches = 0;
  const signals: AbortSignalLike[] = [];
  let plan: (n: number) => Promise<AccessToken> = (n) =>
    Promise.resolve({ token: `t${n}`, expiresOnTimestamp: now + HOUR, tokenType: "Bearer" });
  const fetch = (signal: AbortSignalLike) => {
    fetches++;
    signals.push(signal);
    return plan(fetches);
  };
  return {
    cache,
    warnings,
    signals,
    get fetches() {
      return fetches;
    },
    advance(ms: number) {
      now += ms;
    },
    get now() {
      return now;
    },
    setPlan(p: typeof plan) {
      plan = p;
    },
    get: (key = "k", extra: Partial<Parameters<TokenCache["get"]>[2]> = {}) =>
      cache.get(key, fetch, { abortMessage: "aborted", ...extra }),
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("TokenCache", () => {
  test("serves a token until five minutes before it expires", async () => {
    const h = harness();
    assert.equal((await h.get()).token, "t1");
    h.advance(HOUR - EXPIRY_MARGIN_MS - 1);
    assert.equal((await h.get()).token, "t1");
    h.advance(1);
    assert.equal((await h.get()).token, "t2");
    assert.equal(h.fetches, 2);
  });

  test("keys are kept apart", async () => {
    const h = harness();
    await h.get("a");
    await h.get("b");
    await h.get("a");
    assert.equal(h.fetches, 2);
  });

  test("after refreshAfterTimestamp the cached token returns at once and one background refresh runs", async () => {
    const h = harness();
    h.setPlan((n) =>
      Promise.resolve({
        token: `t${n}`,
        expiresOnTimestamp: h.now + 24 * HOUR,
        refreshAfterTimestamp: h.now + 12 * HOUR,
        tokenType: "Bearer",
      }),
    );
    await h.get();
    h.advance(12 * HOUR);
    const [a, b] = await Promise.all([h.get(), h.get()]);
    assert.equal(a.token, "t1");
    assert.equal(b.token, "t1");
    await flush();
    assert.equal(h.fetches, 2, "exactly one background refresh");
    assert.equal((await h.get()).token, "t2");
  });

  test("a failed background refresh is logged, not thrown, and retried no sooner than 30 s later", async () => {
    const h = harness();
    h.setPlan((n) =>
      Promise.resolve({
        token: `t${n}`,
        expiresOnTimestamp: h.now + 24 * HOUR,
        refreshAfterTimestamp: h.now + 12 * HOUR,
        tokenType: "Bearer",
      }),
    );
    await h.get();
    h.setPlan(() => Promise.reject(new Error("Entra is down")));
    h.advance(12 * HOUR);
    assert.equal((await h.get()).token, "t1");
    await flush();
    assert.equal(h.fetches, 2);
    assert.match(
      h.warnings[0] ?? "",
      /background token refresh failed; the cached token is still valid: Entra is down/,
    );
    h.advance(REFRESH_RETRY_DELAY_MS - 1);
    await h.get();
    await flush();
    assert.equal(h.fetches, 2, "no retry within 30 s");
    h.advance(1);
    await h.get();
    await flush();
    assert.equal(h.fetches, 3);
  });

  test("a claims challenge skips the cached token but still stores the new one", async () => {
    const h = harness();
    await h.get();
    assert.equal((await h.get("k", { challenge: "claims" })).token, "t2");
    assert.equal((await h.get()).token, "t2");
  });

  test("concurrent misses share one fetch; its failure reaches every caller", async () => {
    const h = harness();
    let fail!: (e: Error) => void;
    h.setPlan(
      () =>
        new Promise((_, reject) => {
          fail = reject;
        }),
    );
    const calls = Array.from({ length: 10 }, () => h.get());
    await flush();
    fail(new Error("boom"));
    const results = await Promise.allSettled(calls);
    assert.equal(h.fetches, 1);
    assert.ok(
      results.every((r) => r.status === "rejected" && (r.reason as Error).message === "boom"),
    );
    h.setPlan((n) => Promise.resolve({ token: `t${n}`, expiresOnTimestamp: h.now + HOUR }));
    assert.equal((await h.get()).token, "t2", "a failed flight is not cached");
  });

  test("one caller aborting leaves the shared fetch running for the others; the last one aborting cancels it", async () => {
    const h = harness();
    let seenSignal: AbortSignalLike | undefined;
    let resolve!: (t: AccessToken) => void;
    h.cache
      .get(
        "k",
        (signal) => {
          seenSignal = signal;
          return new Promise((r) => {
            resolve = r;
          });
        },
        { abortMessage: "aborted" },
      )
      .catch(() => undefined);
    const quitter = new AbortController();
    const quitting = h.cache.get("k", () => Promise.reject(new Error("unused")), {
      abortMessage: "aborted",
      signal: quitter.signal,
    });
    quitter.abort();
    await assert.rejects(quitting, (e) => e instanceof AbortError && e.code === "ERR_ABORTED");
    assert.equal(seenSignal!.aborted, false);
    resolve({ token: "shared", expiresOnTimestamp: h.now + HOUR });
    const alone = new AbortController();
    const lone = h.cache.get(
      "other",
      (signal) => {
        seenSignal = signal;
        return new Promise(() => undefined);
      },
      { abortMessage: "aborted", signal: alone.signal },
    );
    alone.abort();
    await assert.rejects(lone, AbortError);
    assert.equal(seenSignal!.aborted, true);
  });

  test("regression: a caller joining as the last waiter aborts no longer inherits its AbortError", async () => {
    const h = harness();
    const pending: ((token: AccessToken) => void)[] = [];
    h.setPlan(() => new Promise((resolve) => pending.push(resolve)));
    const quitter = new AbortController();
    const quitting = h.get("k", { signal: quitter.signal, abortMessage: "the quitter aborted" });
    quitter.abort();
    const joining = h.get("k", { abortMessage: "the joiner aborted" });
    assert.equal(h.signals[0]!.aborted, true, "the abandoned flight is cancelled");
    assert.equal(h.fetches, 2, "the joiner starts a flight of its own");
    pending[1]!({ token: "fresh", expiresOnTimestamp: h.now + HOUR });
    assert.equal((await joining).token, "fresh");
    await rejectsWith(quitting, { class: AbortError, code: "ERR_ABORTED", message: /quitter/ });
  });

  test("a foreground miss during a background refresh joins it; a joiner giving up never cancels it", async () => {
    const h = harness();
    const pending: ((token: AccessToken) => void)[] = [];
    h.setPlan((n) =>
      n === 1
        ? Promise.resolve({
            token: "t1",
            expiresOnTimestamp: h.now + 24 * HOUR,
            refreshAfterTimestamp: h.now + 12 * HOUR,
          })
        : new Promise((resolve) => pending.push(resolve)),
    );
    await h.get();
    h.advance(12 * HOUR);
    assert.equal((await h.get()).token, "t1", "served while the background refresh starts");
    h.advance(12 * HOUR - EXPIRY_MARGIN_MS);
    const quitter = new AbortController();
    const quitting = h.get("k", { signal: quitter.signal, abortMessage: "quit" });
    const calls = Array.from({ length: 99 }, () => h.get());
    quitter.abort();
    await rejectsWith(quitting, { class: AbortError, code: "ERR_ABORTED", message: /quit/ });
    assert.equal(h.signals[1]!.aborted, false, "a joiner giving up never cancels the refresh");
    assert.equal(h.fetches, 2, "one fetch per token: the background refresh");
    pending[0]!({ token: "t2", expiresOnTimestamp: h.now + HOUR });
    assert.ok((await Promise.all(calls)).every((t) => t.token === "t2"));
  });
});
