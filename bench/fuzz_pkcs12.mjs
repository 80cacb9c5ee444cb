// Large PKCS#12 fuzz campaign: node [--expose-gc] bench/fuzz_pkcs12.mjs [iterations=200000] [seed=1]
// (after `npm run build`; `npm run fuzz` runs bench/fuzz.mjs over every parser). Mutates every
// fixture in fixtures/pfx/ round-robin with the same seeded mutator as
// spec/cert/pkcs12_fuzz.test.ts and reports outcomes by code, the slowest input, and RSS before
// and after (a growing RSS would mean the parser keeps something per input).
import { readFileSync } from "node:fs";
import { parsePkcs12 } from "../build/lib/cert/pkcs12.js";
import { CertificateError } from "../build/lib/errors.js";
import { headerOffsets, mutate, Prng } from "../build/spec/support/fuzz.js";

const iterations = Number(process.argv[2] ?? 200_000);
const seed = Number(process.argv[3] ?? 1);
const dir = new URL("../fixtures/pfx/", import.meta.url);
const expected = JSON.parse(readFileSync(new URL("expected.json", dir), "utf8"));
const fixtures = Object.entries(expected).map(([name, facts]) => {
  const data = readFileSync(new URL(`${name}.pfx`, dir));
  return { name, password: facts.password, data, offsets: headerOffsets(data) };
});

const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
const heapBefore = process.memoryUsage().heapUsed;
const prng = new Prng(seed);
const outcomes = new Map();
const uncoded = [];
let slowest = { ms: 0, what: "" };
const started = performance.now();
for (let i = 0; i < iterations; i++) {
  const fixture = fixtures[i % fixtures.length];
  const input = mutate(fixture.data, fixture.offsets, fixture.password, prng);
  const t0 = performance.now();
  let outcome;
  try {
    parsePkcs12(input.data, fixture.password || undefined);
    outcome = "parsed";
  } catch (error) {
    if (error instanceof CertificateError && typeof error.code === "string") {
      outcome = error.code;
    } else {
      outcome = "UNCODED";
      if (uncoded.length < 10)
        uncoded.push({
          fixture: fixture.name,
          mutation: input.mutation,
          error: String(error),
          input: input.data.toString("base64"),
        });
    }
  }
  const ms = performance.now() - t0;
  if (ms > slowest.ms) slowest = { ms, what: `${fixture.name}.pfx #${i} (${input.mutation})` };
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  if ((i + 1) % 50_000 === 0)
    console.error(
      `… ${i + 1} inputs, RSS ${mb(process.memoryUsage().rss)}, heap ${mb(process.memoryUsage().heapUsed)}`,
    );
}
const seconds = (performance.now() - started) / 1000;
globalThis.gc?.();
const rssAfter = process.memoryUsage().rss;
const heapAfter = process.memoryUsage().heapUsed;

console.log(
  `pkcs12 fuzz: ${iterations} inputs from ${fixtures.length} fixtures, seed ${seed}, ${seconds.toFixed(1)} s (${(iterations / seconds).toFixed(0)}/s)`,
);
for (const [code, count] of [...outcomes].sort((a, b) => b[1] - a[1]))
  console.log(`  ${code.padEnd(34)} ${count}`);
console.log(`slowest input: ${slowest.ms.toFixed(1)} ms, ${slowest.what}`);
console.log(
  `RSS before ${mb(rssBefore)}, after ${mb(rssAfter)} (${rssAfter >= rssBefore ? "+" : ""}${mb(rssAfter - rssBefore)})`,
);
console.log(
  `V8 heap used before ${mb(heapBefore)}, after ${mb(heapAfter)}${globalThis.gc ? " (after gc)" : " (run with --expose-gc for a gc before each figure)"}`,
);
if (uncoded.length > 0) {
  console.log("UNCODED errors (first 10):", JSON.stringify(uncoded, null, 2));
  process.exitCode = 1;
}
