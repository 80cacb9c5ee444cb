// Benchmarks for entra-zero (not tests): import cost, module size, requests per first token,
// cache-hit throughput and concurrent single-flight. Run with `npm run bench` (builds first).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "build/lib/index.js");
const { ClientSecretCredential } = await import(pathToFileURL(entry).href);
const { FakeEntra } = await import(
  pathToFileURL(join(root, "build/spec/support/fake_entra.js")).href
);
const { TEST_TLS } = await import(pathToFileURL(join(root, "build/spec/support/fixtures.js")).href);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = [];
const report = (name, value, budget) => {
  results.push({ name, value, budget });
  console.log(`${name.padEnd(58)} ${String(value).padStart(12)}   ${budget ?? ""}`);
};

function timeProcess(args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

function importTimeInProcess(runs) {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(entry).href)}); console.log(performance.now() - t);`;
  const times = [];
  for (let i = 0; i < runs; i++)
    times.push(
      Number(execFileSync(process.execPath, ["--input-type=module", "-e", script]).toString()),
    );
  return median(times);
}

function moduleGraph(start) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:\bfrom\s*|^\s*import\s+)["'](\.[^"']+)["']/gm))
      visit(resolve(dirname(file), m[1]));
  };
  visit(start);
  const text = [...seen].map((f) => readFileSync(f, "utf8")).join("\n");
  return { modules: seen.size, raw: Buffer.byteLength(text), gzip: gzipSync(text).length };
}

console.log(
  `entra-zero benchmarks on Node ${process.versions.node}, ${process.platform}/${process.arch}\n`,
);

const RUNS = 15;
const bare = timeProcess(["-e", ""], RUNS);
const withImport = timeProcess(
  ["--input-type=module", "-e", `await import(${JSON.stringify(pathToFileURL(entry).href)})`],
  RUNS,
);
report(
  "process start + import, minus bare node (median ms)",
  (withImport - bare).toFixed(1),
  "budget <= 10 ms",
);
report("import() inside a running process (median ms)", importTimeInProcess(RUNS).toFixed(1));

const all = moduleGraph(entry);
const secretOnly = moduleGraph(join(root, "build/lib/credentials/client_secret_credential.js"));
report("modules reachable from the entry point", all.modules);
report(
  "everything, unminified JS (KiB raw / gzip)",
  `${(all.raw / 1024).toFixed(1)} / ${(all.gzip / 1024).toFixed(1)}`,
  "budget 80 KB minified",
);
report(
  "ClientSecretCredential only, unminified (KiB raw / gzip)",
  `${(secretOnly.raw / 1024).toFixed(1)} / ${(secretOnly.gzip / 1024).toFixed(1)}`,
  "budget 15 KB minified",
);

const fake = await FakeEntra.start();
const tenant = "bench-tenant";
const clientId = "bench-client";
fake.register({ clientId, tenantId: tenant, secret: "bench-secret" });
const make = (extra = {}) =>
  new ClientSecretCredential(tenant, clientId, "bench-secret", {
    authorityHost: fake.url,
    tlsOptions: TEST_TLS,
    disableInstanceDiscovery: true,
    ...extra,
  });
const scope = "https://vault.azure.net/.default";

let cred = make();
fake.requests.length = 0;
await cred.getToken(scope);
report("HTTP requests for the first token (known cloud path)", fake.requests.length, "budget 1");
await cred.close();

cred = make({ disableInstanceDiscovery: false, instanceDiscoveryHost: fake.url });
fake.requests.length = 0;
await cred.getToken(scope);
report("HTTP requests for the first token (custom host, discovery)", fake.requests.length);

const iterations = 1_000_000;
const rounds = [];
for (let round = 0; round < 3; round++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await cred.getToken(scope);
  rounds.push(iterations / (Number(process.hrtime.bigint() - start) / 1e9));
}
const perSecond = Math.max(...rounds);
report(
  "cache-hit getToken calls per second (best of 3 x 1M)",
  Math.round(perSecond).toLocaleString("en-US"),
  "budget >= 1,000,000",
);
await cred.close();

cred = make();
fake.requests.length = 0;
fake.faults.push({ kind: "delay", ms: 20 });
await Promise.all(Array.from({ length: 100 }, () => cred.getToken(scope)));
report(
  "POSTs for 100 concurrent getToken calls (fresh credential)",
  fake.tokenRequests.length,
  "budget 1",
);
await cred.close();
await fake.close();

const pkcs12Bench = join(root, "bench/pkcs12_parse.mjs");
if (existsSync(pkcs12Bench))
  console.log(
    execFileSync(process.execPath, [pkcs12Bench], { stdio: ["ignore", "pipe", "inherit"] })
      .toString()
      .trim(),
  );
