// Measures two rows of bench/run.mjs for entra-zero alone: "new credential in a warm process"
// (section 3) and "cache hits" (section 5). Not part of `npm test`.
//   node bench/profile_warm.mjs [--warm N] [--hits MS] [--rounds N] [--only warm|hits] [--with-az]
//     [--dist DIR ...]
// With several --dist directories (e.g. a saved build and build/dist) the rows are measured
// interleaved, so machine load drifts alike for each; add `node --cpu-prof` to profile one.
// --with-az also interleaves @azure/identity's new-credential call as bench/run.mjs does (its
// garbage is collected during the other calls), without timing it.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startTokenServer } from "./fake_server.mjs";
import { keepAlivePoster } from "./keep_alive_post.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1];
};
const dists = args.flatMap((a, i) => (args[i - 1] === "--dist" ? [resolve(a)] : []));
if (!dists.length) dists.push(join(here, "../build/dist"));
const WARM = Number(value("--warm", 1000));
const HITS_MS = Number(value("--hits", 1000));
const ROUNDS = Number(value("--rounds", 5));
const only = value("--only", "both");

const ca = readFileSync(join(here, "../fixtures/tls/ca.pem"), "utf8");
const server = await startTokenServer();
const env = { TENANT: "bench-tenant", CLIENT: "bench-client", SECRET: "bench-secret" };
const SCOPE = "https://vault.azure.net/.default";
const keepAlivePost = keepAlivePoster({
  url: `${server.url}/${env.TENANT}/oauth2/v2.0/token`,
  ca,
  clientId: env.CLIENT,
  clientSecret: env.SECRET,
  scope: SCOPE,
});
const options = { authorityHost: server.url, disableInstanceDiscovery: true, tlsOptions: { ca } };
const libs = await Promise.all(dists.map((d) => import(pathToFileURL(join(d, "index.js")).href)));
const newCredential = libs.map(
  (lib) => () =>
    new lib.ClientSecretCredential(env.TENANT, env.CLIENT, env.SECRET, options).getToken(SCOPE),
);
const untimed = [];
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function hitsPerSecond(lib) {
  const credential = new lib.ClientSecretCredential(env.TENANT, env.CLIENT, env.SECRET, options);
  await credential.getToken(SCOPE);
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < HITS_MS)
    for (let i = 0; i < 1000; i++, calls++) await credential.getToken(SCOPE);
  return calls / ((performance.now() - started) / 1000);
}

const calls = [keepAlivePost, ...newCredential];
if (args.includes("--with-az")) {
  // @azure/identity takes no CA option; Node reads NODE_EXTRA_CA_CERTS only at startup.
  if (!process.env.NODE_EXTRA_CA_CERTS)
    throw new Error("--with-az needs NODE_EXTRA_CA_CERTS=fixtures/tls/ca.pem");
  const { createRequire } = await import("node:module");
  const entry = createRequire(join(here, "package.json")).resolve("@azure/identity");
  const az = await import(pathToFileURL(entry).href);
  const azOptions = { authorityHost: server.url, disableInstanceDiscovery: true };
  const newAz = () =>
    new az.ClientSecretCredential(env.TENANT, env.CLIENT, env.SECRET, azOptions).getToken(SCOPE);
  for (let i = 0; i < 20; i++) await newAz();
  untimed.push(newAz);
}
for (const warm of calls) for (let i = 0; i < 50; i++) await warm();
const ratios = dists.map(() => []);
const hits = dists.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  if (only !== "hits") {
    const times = calls.map(() => []);
    let connections = server.state.connections;
    for (let i = 0; i < WARM; i++)
      for (const [k, call] of calls.entries()) {
        const started = performance.now();
        await call();
        times[k].push(performance.now() - started);
        if (k === calls.length - 1) for (const extra of untimed) await extra();
      }
    connections = server.state.connections - connections;
    const post = median(times[0]);
    const line = dists.map((_, k) => {
      ratios[k].push(median(times[k + 1]) / post);
      return `${(median(times[k + 1]) * 1000).toFixed(0)} µs = ${(median(times[k + 1]) / post).toFixed(3)}×`;
    });
    console.log(
      `warm: post ${(post * 1000).toFixed(0)} µs | ${line.join(" | ")} | ${connections} new connections`,
    );
  }
  if (only !== "warm") {
    const line = [];
    for (const [k, lib] of libs.entries()) {
      const n = await hitsPerSecond(lib);
      hits[k].push(n);
      line.push(`${Math.round(n).toLocaleString("en-US")}/s`);
    }
    console.log(`hits: ${line.join(" | ")}`);
  }
}
for (const [k, d] of dists.entries())
  console.log(
    `median ${d}: warm ${ratios[k].length ? median(ratios[k]).toFixed(3) : "-"}× | hits ${hits[k].length ? Math.round(median(hits[k])).toLocaleString("en-US") : "-"}/s`,
  );
keepAlivePost.close();
await server.close();
