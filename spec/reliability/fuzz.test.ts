import assert from "node:assert/strict";
import { test } from "node:test";
import {
  attempt,
  bucket,
  fuzzTargets,
  judge,
  nextInput,
  Prng,
  shares,
} from "../support/fuzz_targets.js";

// A bounded slice of `npm run fuzz` (bench/fuzz.mjs, ≥ 1,000,000 inputs): the same targets and
// generator, a fixed seed, 30,000 inputs in a few seconds.
const TOTAL = 30_000;

test(`fuzz: ${TOTAL} inputs over every parser return a sane value or a typed, coded error`, (t) => {
  const targets = fuzzTargets();
  const counts = shares(targets, TOTAL);
  const lines: string[] = [];
  targets.forEach((target, index) => {
    const prng = new Prng(0xf022 + index);
    const outcomes = new Map<string, number>();
    const started = performance.now();
    for (let i = 0; i < counts[index]!; i++) {
      const input = nextInput(target, prng);
      const outcome = attempt(target, input);
      const verdict = judge(target, outcome);
      if (verdict)
        assert.fail(`${target.name} input #${i} (hex ${input.toString("hex")}): ${verdict}`);
      const key = bucket(outcome);
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    const ms = performance.now() - started;
    const summary = [...outcomes].map(([k, v]) => `${k}=${v}`).join(" ");
    lines.push(`${target.name}: ${counts[index]} inputs, ${ms.toFixed(0)} ms; ${summary}`);
  });
  for (const line of lines) t.diagnostic(line);
});
