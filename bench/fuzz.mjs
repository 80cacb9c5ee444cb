// Fuzz campaign over every parser of untrusted input:
//   node --expose-gc bench/fuzz.mjs [--inputs N=1000000] [--seed S=1] [--only NAME]
// (or `npm run fuzz -- --inputs N`). The targets and input generator live in
// spec/support/fuzz_targets.ts (built to build/spec/support/), shared with the bounded slice in
// spec/reliability/fuzz.test.ts; bench/fuzz_pkcs12.mjs remains for a PKCS#12-only campaign.
// An input fails when the parser throws anything but a typed, coded error of lib/errors.ts (or a
// success fails its target's sanity check): it is printed in hex and the exit code is 1.
import { parseArgs } from "node:util";
import {
  attempt,
  bucket,
  fuzzTargets,
  judge,
  nextInput,
  Prng,
  shares,
} from "../build/spec/support/fuzz_targets.js";

const { values } = parseArgs({
  options: {
    inputs: { type: "string", default: "1000000" },
    seed: { type: "string", default: "1" },
    only: { type: "string" },
  },
});
const total = Number(values.inputs);
const seed = Number(values.seed);
if (!Number.isInteger(total) || total < 1) throw new Error(`--inputs must be a positive integer`);

const targets = fuzzTargets().filter((t) => !values.only || t.name === values.only);
const counts = shares(targets, total);
const failures = [];
const rows = [];
let done = 0;
const started = performance.now();
targets.forEach((target, index) => {
  const prng = new Prng(seed * 7919 + index);
  const outcomes = new Map();
  let slowest = 0;
  const t0 = performance.now();
  for (let i = 0; i < counts[index]; i++) {
    const input = nextInput(target, prng);
    const t1 = performance.now();
    const outcome = attempt(target, input);
    slowest = Math.max(slowest, performance.now() - t1);
    const verdict = judge(target, outcome);
    if (verdict) {
      if (failures.filter((f) => f.target === target.name).length < 3)
        failures.push({ target: target.name, input: input.toString("hex"), verdict });
      outcomes.set("FAILED", (outcomes.get("FAILED") ?? 0) + 1);
      continue;
    }
    const key = bucket(outcome);
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  const seconds = (performance.now() - t0) / 1000;
  done += counts[index];
  rows.push({ target, count: counts[index], seconds, slowest, outcomes });
  console.error(`… ${target.name}: ${counts[index]} inputs in ${seconds.toFixed(1)} s`);
});
const seconds = (performance.now() - started) / 1000;
globalThis.gc?.();

console.log(
  `fuzz: ${done} inputs over ${targets.length} parsers, seed ${seed}, ${seconds.toFixed(1)} s (${Math.round(done / seconds)} inputs/s)`,
);
for (const { target, count, seconds: s, slowest, outcomes } of rows) {
  const top = [...outcomes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  console.log(
    `  ${target.name.padEnd(24)} ${String(count).padStart(8)} inputs ${String(Math.round(count / s)).padStart(8)}/s  slowest ${slowest.toFixed(1)} ms  (${top})`,
  );
}
console.log(
  `heap used after gc: ${(process.memoryUsage().heapUsed / 1048576).toFixed(1)} MB${globalThis.gc ? "" : " (run with --expose-gc for a gc first)"}`,
);
if (failures.length > 0) {
  console.log(`FAILURES (first 3 per parser):`);
  for (const f of failures) console.log(`  ${f.target}: ${f.verdict}\n    input hex ${f.input}`);
  process.exitCode = 1;
} else console.log("failures: 0");
