// Time to parse the OpenSSL 3 default PFX (PBES2/AES-256-CBC, PBKDF2 and SHA-256 MAC at 2048
// iterations): node bench/pkcs12_parse.mjs [runs=50]. Prints one line; the main bench calls it.
import { readFileSync } from "node:fs";
import { parsePkcs12 } from "../build/lib/cert/pkcs12.js";

const runs = Number(process.argv[2] ?? 50);
const data = readFileSync(new URL("../fixtures/pfx/default.pfx", import.meta.url));
for (let i = 0; i < 5; i++) parsePkcs12(data, "fixture-password");
const times = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  parsePkcs12(data, "fixture-password");
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const median = runs % 2 ? times[(runs - 1) / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
console.log(
  `pkcs12 parse (OpenSSL 3 default, 2048 iterations): ${median.toFixed(1)} ms median of ${runs}`,
);
