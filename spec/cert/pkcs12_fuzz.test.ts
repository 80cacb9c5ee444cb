import { test } from "node:test";
import assert from "node:assert/strict";
import { CertificateError } from "../../lib/errors.js";
import { parsePkcs12 } from "../../lib/cert/pkcs12.js";
import { expectedPfx, pfxFixture } from "../support/der_edit.js";
import { headerOffsets, mutate, Prng } from "../support/fuzz.js";

// 700 inputs per fixture (16 800 in all) take about 35 s on the shared 2-core CI machine; the
// ~20 000 first planned took ~45 s there. bench/fuzz_pkcs12.mjs runs the large campaign.
const PER_FIXTURE = 700;
const SLOWEST_ALLOWED_MS = 2000;

test(`fuzz: ${PER_FIXTURE} mutations of every PKCS#12 fixture parse or fail with a coded CertificateError`, (t) => {
  const outcomes = new Map<string, number>();
  let slowest = { ms: 0, what: "" };
  let total = 0;
  for (const [name, facts] of Object.entries(expectedPfx())) {
    const data = pfxFixture(`${name}.pfx`);
    const offsets = headerOffsets(data);
    const prng = new Prng(0x5eed0000 + total);
    for (let i = 0; i < PER_FIXTURE; i++, total++) {
      const input = mutate(data, offsets, facts.password, prng);
      const started = performance.now();
      let outcome: string;
      try {
        parsePkcs12(input.data, facts.password || undefined);
        outcome = "parsed";
      } catch (error) {
        if (!(error instanceof CertificateError) || typeof error.code !== "string") {
          assert.fail(
            `${name}.pfx input ${i} (${input.mutation}, ${input.data.toString("base64")}) threw an uncoded ${String(error)}`,
          );
        }
        assert.ok(
          !facts.password || !error.message.includes(facts.password),
          "no password in messages",
        );
        outcome = error.code;
      }
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, what: `${name}.pfx input ${i} (${input.mutation})` };
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  }
  assert.ok(
    slowest.ms < SLOWEST_ALLOWED_MS,
    `slowest input took ${slowest.ms.toFixed(0)} ms: ${slowest.what}`,
  );
  const summary = [...outcomes]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  t.diagnostic(`fuzz ${total} inputs, slowest ${slowest.ms.toFixed(1)} ms; ${summary}`);
});
