// Side-by-side benchmark of entra-zero (the built bundle, as published) and @azure/identity
// (installed in bench/ only). Run with `npm run bench` (builds first); `npm run bench -- --quick`
// takes fewer samples. Process measurements are interleaved (bare, entra-zero, @azure/identity
// in turn) and reported as medians, so machine load drifts alike for all three.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { startTokenServer } from "./fake_server.mjs";
import { keepAlivePoster } from "./keep_alive_post.mjs";

const quick = process.argv.includes("--quick");
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const CA_FILE = join(root, "fixtures/tls/ca.pem");
// @azure/identity takes no CA option: this process and its children trust the test CA through
// NODE_EXTRA_CA_CERTS, which Node reads at startup, so the bench runs itself again with it set.
if (process.env.NODE_EXTRA_CA_CERTS !== CA_FILE) {
  const child = spawnSync(process.execPath, process.argv.slice(1), {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: CA_FILE },
  });
  process.exit(child.status ?? 1);
}
if (!existsSync(join(here, "node_modules/@azure/identity"))) {
  console.log("installing bench/package.json (@azure/identity) ...");
  execFileSync("npm", ["install", "--prefix", here, "--no-audit", "--no-fund"], {
    stdio: "inherit",
  });
}
const azVersion = JSON.parse(
  readFileSync(join(here, "node_modules/@azure/identity/package.json"), "utf8"),
).version;
// Child scripts live under bench/node_modules so that "@azure/identity" resolves to bench's copy.
const work = join(here, "node_modules/.bench-work");
mkdirSync(work, { recursive: true });
const EZ_ESM = pathToFileURL(join(root, "build/dist/index.js")).href;
const EZ_CJS = join(root, "build/dist/index.cjs");

const RUNS = quick ? 9 : 25;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (v) => `${v.toFixed(1)} ms`;
const mib = (v) => `${(v / 1024 / 1024).toFixed(1)} MiB`;
const rows = [];
const row = (figure, az, ez, target, met) => {
  rows.push({ figure, az, ez, target, met });
  console.log(
    `${figure}\n    @azure/identity ${az} | entra-zero ${ez} | target ${target} ${met ? "✓" : "✗"}`,
  );
};

function script(name, text) {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

// Asynchronous: the token server runs in this process and must answer while a child waits.
async function spawnTimed(file, env) {
  const started = process.hrtime.bigint();
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    env: { ...process.env, ...env },
  });
  return { wall: Number(process.hrtime.bigint() - started) / 1e6, out: stdout };
}

/** Runs each script RUNS times, interleaved; returns per script the wall times and parsed output. */
async function interleave(files, env = {}) {
  const results = files.map(() => ({ wall: [], out: [] }));
  for (let i = 0; i < RUNS; i++)
    for (const [k, file] of files.entries()) {
      const { wall, out } = await spawnTimed(file, env);
      results[k].wall.push(wall);
      results[k].out.push(JSON.parse(out));
    }
  return results;
}

console.log(
  `entra-zero vs @azure/identity ${azVersion}: Node ${process.versions.node}, ${process.platform}/${process.arch}, ` +
    `${cpus().length} × ${cpus()[0]?.model.trim()}${quick ? " (--quick)" : ""}\n`,
);

// 1. Import time and RSS added over a bare node process, ESM and CommonJS.
// CPU time too: unlike wall time it barely moves when other processes load the machine.
const report =
  "const { user, system } = process.cpuUsage();\n" +
  "process.stdout.write(JSON.stringify({ rss: process.memoryUsage().rss, cpu: (user + system) / 1000 }));\n";
for (const [kind, ext, ez, az] of [
  ["esm", "mjs", `import ${JSON.stringify(EZ_ESM)};\n`, `import "@azure/identity";\n`],
  ["cjs", "cjs", `require(${JSON.stringify(EZ_CJS)});\n`, `require("@azure/identity");\n`],
]) {
  const [bare, ezR, azR] = await interleave([
    script(`import-bare.${ext}`, report),
    script(`import-ez.${ext}`, ez + report),
    script(`import-az.${ext}`, az + report),
  ]);
  const t = (r) => median(r.wall) - median(bare.wall);
  const cpu = (r) => median(r.out.map((o) => o.cpu)) - median(bare.out.map((o) => o.cpu));
  const rss = (r) => median(r.out.map((o) => o.rss)) - median(bare.out.map((o) => o.rss));
  const both = (r) => `+${ms(t(r))} wall, +${ms(cpu(r))} CPU`;
  row(
    `import added over bare node (${kind}; bare ${ms(median(bare.wall))} wall)`,
    both(azR),
    both(ezR),
    "≤ 10 ms",
    t(ezR) <= 10,
  );
  row(
    `RSS added by the import (${kind})`,
    `+${mib(rss(azR))}`,
    `+${mib(rss(ezR))}`,
    "≤ 4 MiB",
    rss(ezR) <= 4 * 1024 * 1024,
  );
}

const server = await startTokenServer();
const env = {
  AUTHORITY: server.url,
  TENANT: "bench-tenant",
  CLIENT: "bench-client",
  SECRET: "bench-secret",
  SCOPE: "https://vault.azure.net/.default",
};

// 2. Process start → first token in hand (performance.now() is relative to process start).
const done = `process.stdout.write(JSON.stringify({ at: performance.now(), ok: token.length > 100 }));\nprocess.exit(0);\n`;
const credentialScript = (from) =>
  `import { ClientSecretCredential } from ${from};\n` +
  `const { AUTHORITY, TENANT, CLIENT, SECRET, SCOPE } = process.env;\n` +
  `const credential = new ClientSecretCredential(TENANT, CLIENT, SECRET, { authorityHost: AUTHORITY, disableInstanceDiscovery: true });\n` +
  `const { token } = await credential.getToken(SCOPE);\n` +
  done;
const barePost =
  `import { request } from "node:https";\n` +
  `const { AUTHORITY, TENANT, CLIENT, SECRET, SCOPE } = process.env;\n` +
  `const body = new URLSearchParams({ grant_type: "client_credentials", client_id: CLIENT, client_secret: SECRET, scope: SCOPE }).toString();\n` +
  `const token = await new Promise((resolve, reject) => {\n` +
  `  const req = request(\`\${AUTHORITY}/\${TENANT}/oauth2/v2.0/token\`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body) } }, (res) => {\n` +
  `    const chunks = []; res.on("data", (c) => chunks.push(c)); res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString()).access_token));\n` +
  `  });\n  req.on("error", reject); req.end(body);\n});\n` +
  done;
{
  const [bare, ezR, azR] = await interleave(
    [
      script("token-bare.mjs", barePost),
      script("token-ez.mjs", credentialScript(JSON.stringify(EZ_ESM))),
      script("token-az.mjs", credentialScript(`"@azure/identity"`)),
    ],
    env,
  );
  if (![bare, ezR, azR].every((r) => r.out.every((o) => o.ok))) throw new Error("no token");
  const at = (r) => median(r.out.map((o) => o.at));
  const ratio = (r) => at(r) / at(bare);
  row(
    `process start → first token, vs a bare node:https POST script (${ms(at(bare))})`,
    `${ms(at(azR))} = ${ratio(azR).toFixed(2)}×`,
    `${ms(at(ezR))} = ${ratio(ezR).toFixed(2)}×`,
    "≤ 1.15×",
    ratio(ezR) <= 1.15,
  );
}

// 3. In this (warm) process: a new credential per call vs a keep-alive POST; new connections.
const azEntry = createRequire(join(here, "package.json")).resolve("@azure/identity");
const az = await import(pathToFileURL(azEntry).href);
const ez = await import(EZ_ESM);
const { readFileSync: read } = await import("node:fs");
const ca = read(CA_FILE, "utf8");
const keepAlivePost = keepAlivePoster({
  url: `${server.url}/${env.TENANT}/oauth2/v2.0/token`,
  ca,
  clientId: env.CLIENT,
  clientSecret: env.SECRET,
  scope: env.SCOPE,
});
const ezOptions = { authorityHost: server.url, disableInstanceDiscovery: true, tlsOptions: { ca } };
const azOptions = { authorityHost: server.url, disableInstanceDiscovery: true };
const newEz = () =>
  new ez.ClientSecretCredential(env.TENANT, env.CLIENT, env.SECRET, ezOptions).getToken(env.SCOPE);
const newAz = () =>
  new az.ClientSecretCredential(env.TENANT, env.CLIENT, env.SECRET, azOptions).getToken(env.SCOPE);
for (const warm of [keepAlivePost, newEz, newAz]) for (let i = 0; i < 20; i++) await warm();
const WARM = quick ? 200 : 1000;
const warmTimes = [[], [], []];
const newConnections = [0, 0, 0];
for (let i = 0; i < WARM; i++)
  for (const [k, call] of [keepAlivePost, newEz, newAz].entries()) {
    const connections = server.state.connections;
    const started = performance.now();
    await call();
    warmTimes[k].push(performance.now() - started);
    newConnections[k] += server.state.connections - connections;
  }
{
  const [post, ezT, azT] = warmTimes.map(median);
  row(
    `new credential in a warm process → token, vs a keep-alive POST (${ms(post)}); new connections in ${WARM}`,
    `${ms(azT)} = ${(azT / post).toFixed(2)}×, ${newConnections[2]} new`,
    `${ms(ezT)} = ${(ezT / post).toFixed(2)}×, ${newConnections[1]} new`,
    "≤ 1.3×, 0 new",
    ezT / post <= 1.3 && newConnections[1] === 0,
  );
}

// 4. Minified bundles of a one-credential program.
async function bundleSize(from, name, resolveDir) {
  const result = await build({
    stdin: {
      contents: `import { ${name} } from ${JSON.stringify(from)};\nconsole.log(new ${name}());\n`,
      resolveDir,
      loader: "js",
    },
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles.reduce((sum, f) => sum + f.contents.length, 0);
}
for (const [name, budget] of [
  ["ClientSecretCredential", 15],
  ["DefaultAzureCredential", 80],
]) {
  const ezSize = await bundleSize(join(root, "build/dist/index.js"), name, root);
  const azSize = await bundleSize("@azure/identity", name, work);
  row(
    `minified bundle (esbuild --bundle --minify --platform=node), ${name} only`,
    `${(azSize / 1000).toFixed(1)} KB`,
    `${(ezSize / 1000).toFixed(1)} KB`,
    `≤ ${budget} KB`,
    ezSize <= budget * 1000,
  );
}

// 5. Requests for the first token, 100 concurrent calls, cache hits.
async function requestsForFirstToken(lib, options) {
  const before = server.state.requests;
  await new lib.ClientSecretCredential(env.TENANT, env.CLIENT, env.SECRET, options).getToken(
    env.SCOPE,
  );
  return server.state.requests - before;
}
{
  const azN = await requestsForFirstToken(az, azOptions);
  const ezN = await requestsForFirstToken(ez, ezOptions);
  row(
    "HTTP requests for the first token (custom authority, discovery off)",
    azN,
    ezN,
    "1",
    ezN === 1,
  );
}
async function concurrentPosts(lib, options) {
  const credential = new lib.ClientSecretCredential(env.TENANT, env.CLIENT, env.SECRET, options);
  const before = server.state.posts;
  server.state.delayMs = 20;
  await Promise.all(Array.from({ length: 100 }, () => credential.getToken(env.SCOPE)));
  server.state.delayMs = 0;
  return server.state.posts - before;
}
{
  const azN = await concurrentPosts(az, azOptions);
  const ezN = await concurrentPosts(ez, ezOptions);
  row("POSTs for 100 concurrent getToken calls, same scope", azN, ezN, "1", ezN === 1);
}
async function cacheHitsPerSecond(lib, options) {
  const credential = new lib.ClientSecretCredential(env.TENANT, env.CLIENT, env.SECRET, options);
  await credential.getToken(env.SCOPE);
  const budgetMs = quick ? 500 : 2000;
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < budgetMs)
    for (let i = 0; i < 1000; i++, calls++) await credential.getToken(env.SCOPE);
  return calls / ((performance.now() - started) / 1000);
}
{
  const azN = await cacheHitsPerSecond(az, azOptions);
  const ezN = await cacheHitsPerSecond(ez, ezOptions);
  const fmt = (n) => `${Math.round(n).toLocaleString("en-US")}/s`;
  row("cache-hit getToken calls per second", fmt(azN), fmt(ezN), "≥ 1,000,000/s", ezN >= 1e6);
}
keepAlivePost.close();
await server.close();

console.log(
  "\n| figure | @azure/identity | entra-zero | target | met |\n| --- | --- | --- | --- | --- |",
);
for (const r of rows)
  console.log(`| ${r.figure} | ${r.az} | ${r.ez} | ${r.target} | ${r.met ? "yes" : "no"} |`);

if (!quick && existsSync(join(here, "pkcs12_parse.mjs")))
  console.log(
    "\n" +
      execFileSync(process.execPath, [join(here, "pkcs12_parse.mjs")], {
        stdio: ["ignore", "pipe", "inherit"],
      })
        .toString()
        .trim(),
  );
process.exit(0);
