// Long token-cache soak: node --expose-gc bench/soak.mjs [--rounds N=1000] [--callers C=250] [--seed S=1]
//   [--step SECONDS=1200]
// (or `npm run soak -- --rounds N`). The harness is spec/support/soak.ts (built to build/spec/),
// shared with the bounded spec/reliability/soak.test.ts: one ClientSecretCredential on an injected
// clock, 1,000 scopes, waves of concurrent callers with 10 % aborts, 20 % HTTP 500s from the
// endpoint, the clock advancing by up to --step seconds between waves, past refresh (30 min) and
// expiry (1 h); a small --step makes most calls cache hits. Prints ops/s, the checks,
// and the V8 heap after a full GC at the start, the middle and the end (a leak would grow it).
import { parseArgs } from "node:util";
import { runSoak } from "../build/spec/support/soak.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "1000" },
    callers: { type: "string", default: "250" },
    seed: { type: "string", default: "1" },
    step: { type: "string", default: "1200" },
  },
});
const rounds = Number(values.rounds);
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
const heap = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};
const samples = [];
const result = await runSoak({
  rounds,
  callers: Number(values.callers),
  scopes: 1000,
  failureRate: 0.2,
  abortRate: 0.1,
  maxStepSeconds: Number(values.step),
  seed: Number(values.seed),
  onRound: (round) => {
    if (round === 0 || round === rounds >> 1) samples.push(heap());
    if ((round + 1) % 250 === 0)
      console.error(`… ${round + 1} waves, heap ${mb(process.memoryUsage().heapUsed)}`);
  },
});
samples.push(heap());

console.log(
  `soak: ${result.calls} calls in ${result.seconds.toFixed(1)} s = ${Math.round(result.calls / result.seconds)} calls/s ` +
    `(${result.tokens} tokens, ${result.failed} failed with the endpoint's 500, ${result.network} typed ERR_NETWORK, ${result.aborted} aborted)`,
);
console.log(
  `token requests: ${result.requests}; most overlapping completed requests for one scope: ${result.maxConcurrentPerScope}; ` +
    `virtual clock advanced ${(result.virtualSeconds / 3600).toFixed(0)} h`,
);
console.log(
  `V8 heap after full GC: first wave ${mb(samples[0])}, middle ${mb(samples[1])}, end ${mb(samples[2])}` +
    (globalThis.gc ? "" : " (run with --expose-gc for real GCs)"),
);
console.log(`RSS at end: ${mb(process.memoryUsage().rss)}`);
if (result.problems.length > 0 || result.maxConcurrentPerScope !== 1) {
  console.log("PROBLEMS:", result.problems.slice(0, 20));
  process.exitCode = 1;
} else console.log("problems: 0 (no expired token served, no duplicate flight)");
