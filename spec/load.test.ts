import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { FakeEntra } from "./support/fake_entra.js";
import { fixturePath } from "./support/fixtures.js";

// What a process that imports only ClientSecretCredential loads, observed in a child process
// that imports the built package (the bundle, through the package's own name): built-ins from
// `process.moduleLoadList`, package files from a module `load` hook.

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const HEAVY = ["child_process", "http", "https", "tls", "net", "crypto", "zlib"];

// Records every URL the ESM loader loads, posted from the hooks thread to this one.
const CHILD = `
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";
import { readFileSync } from "node:fs";
const { port1, port2 } = new MessageChannel();
const files = [];
port1.on("message", (url) => files.push(url));
port1.unref();
const hooks = "export let port; export function initialize(data) { port = data.port; }" +
  "export async function load(url, context, next) { port.postMessage(url); return next(url, context); }";
register("data:text/javascript," + encodeURIComponent(hooks), import.meta.url, {
  data: { port: port2 },
  transferList: [port2],
});
const builtins = () =>
  process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13));
const before = new Set(builtins());
const { ClientSecretCredential } = await import("entra-zero");
const { TENANT, CLIENT, SECRET, AUTHORITY, CA_FILE } = process.env;
const credential = new ClientSecretCredential(TENANT, CLIENT, SECRET, {
  authorityHost: AUTHORITY,
  disableInstanceDiscovery: true,
  tlsOptions: { ca: readFileSync(CA_FILE, "utf8") },
});
const idle = builtins().filter((m) => !before.has(m));
const token = await credential.getToken("https://vault.azure.net/.default");
await new Promise((resolve) => setTimeout(resolve, 100));
const afterToken = builtins().filter((m) => !before.has(m));
console.log(JSON.stringify({ idle, afterToken, files, token: token.token.length > 0 }));
`;

let fake: FakeEntra;
/** The child's environment: the fake's address and the credential's settings. */
const childEnv = () => ({
  ...process.env,
  TENANT: "load-tenant",
  CLIENT: "load-client",
  SECRET: "load-secret",
  AUTHORITY: fake.url,
  CA_FILE: fixturePath("tls/ca.pem"),
});
before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: "load-client", tenantId: "load-tenant", secret: "load-secret" });
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});

test("importing ClientSecretCredential loads no heavy built-in until a request, never node:child_process or node:http, and no PKCS#12, process, user-flow or managed-identity chunk", async () => {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", CHILD], {
    cwd: root,
    timeout: 20_000,
    env: childEnv(),
  });
  const seen = JSON.parse(stdout) as {
    idle: string[];
    afterToken: string[];
    files: string[];
    token: boolean;
  };
  assert.equal(seen.token, true);
  // Constructed but not used: none of them.
  assert.deepEqual(
    seen.idle.filter((m) => HEAVY.includes(m)),
    [],
  );
  // The first request needs TLS and crypto (the request id); never a child process or plain HTTP.
  for (const needed of ["https", "tls", "crypto"])
    assert.ok(seen.afterToken.includes(needed), needed);
  for (const never of ["child_process", "http", "zlib"])
    assert.ok(!seen.afterToken.includes(never), `${never} was loaded`);
  const ours = seen.files
    .filter((url) => url.startsWith("file:"))
    .map((url) => fileURLToPath(url).slice(root.length).split("\\").join("/"));
  assert.ok(ours.includes("build/dist/index.js"), "the bundle, not build/lib, is what loads");
  assert.deepEqual(
    ours.filter((f) => !/^build\/dist\/(?:index|chunks\/chunk-\w+)\.js$/.test(f)),
    [],
    "only the entry and its shared chunks; no pkcs12, run, client or flow chunk",
  );
  console.log(
    `loaded: ${ours.length} package files; built-ins after the token: ${seen.afterToken.filter((m) => !m.includes("/") && !m.startsWith("_")).join(", ")}`,
  );
});

test("require() of ClientSecretCredential loads the same small CommonJS files, no lazy part, and gets a token", async () => {
  const child = `
    const { readFileSync } = require("node:fs");
    const { ClientSecretCredential } = require("entra-zero");
    const { TENANT, CLIENT, SECRET, AUTHORITY, CA_FILE } = process.env;
    const credential = new ClientSecretCredential(TENANT, CLIENT, SECRET, {
      authorityHost: AUTHORITY,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: readFileSync(CA_FILE, "utf8") },
    });
    credential.getToken("https://vault.azure.net/.default").then((token) => {
      console.log(JSON.stringify({ files: Object.keys(require.cache), token: token.token.length > 0 }));
    });
  `;
  const { stdout } = await run(process.execPath, ["--input-type=commonjs", "-e", child], {
    cwd: root,
    timeout: 20_000,
    env: childEnv(),
  });
  const seen = JSON.parse(stdout) as { files: string[]; token: boolean };
  assert.equal(seen.token, true);
  const ours = seen.files.map((f) => f.slice(root.length).split("\\").join("/"));
  assert.ok(ours.includes("build/dist/index.cjs"), ours.join(", "));
  assert.deepEqual(
    ours.filter((f) => !/^build\/dist\/(?:index|chunks\/chunk-\w+)\.cjs$/.test(f)),
    [],
    "only the entry and its shared chunks; no pkcs12, run, client or flow chunk",
  );
});
