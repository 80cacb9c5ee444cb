import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { runSoak } from "../support/soak.js";

// A bounded soak; `npm run soak` (bench/soak.mjs) runs the long one.
const ROUNDS = 10;
const CALLERS = 150;
/** The V8 heap may grow at most this much from the first wave to the end, after a full GC. */
const HEAP_GROWTH_BOUND_MB = 16;

/** A full GC, whether or not node runs with --expose-gc. */
function gc(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

test(`soak: ${ROUNDS} waves of ${CALLERS} callers over 1,000 scopes, 20 % failures, aborts, a clock past refresh and expiry`, async (t) => {
  let baseline = 0;
  const result = await runSoak({
    rounds: ROUNDS,
    callers: CALLERS,
    scopes: 1000,
    failureRate: 0.2,
    abortRate: 0.1,
    maxStepSeconds: 1800,
    seed: 0x50a4,
    onRound: (round) => {
      if (round !== 0) return;
      gc();
      baseline = process.memoryUsage().heapUsed;
    },
  });
  gc();
  const growthMb = (process.memoryUsage().heapUsed - baseline) / 1048576;
  t.diagnostic(
    `${result.calls} calls in ${result.seconds.toFixed(1)} s (${Math.round(result.calls / result.seconds)} calls/s): ` +
      `${result.tokens} tokens, ${result.failed} failed, ${result.aborted} aborted; ${result.requests} token requests; ` +
      `clock advanced ${Math.round(result.virtualSeconds)} s; heap growth ${growthMb.toFixed(1)} MB`,
  );
  assert.deepEqual(result.problems, []);
  assert.equal(result.maxConcurrentPerScope, 1, "two completed requests for one scope overlapped");
  assert.equal(result.tokens + result.failed + result.network + result.aborted, result.calls);
  assert.ok(result.failed > 0 && result.aborted > 0 && result.tokens > 0);
  assert.ok(result.virtualSeconds > 2 * 3600, "the clock went past two lifetimes");
  assert.ok(growthMb < HEAP_GROWTH_BOUND_MB, `heap grew ${growthMb.toFixed(1)} MB`);
});
