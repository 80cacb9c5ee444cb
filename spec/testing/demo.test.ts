import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { test } from "node:test";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const CREDENTIALS = [
  "ClientSecretCredential",
  "ClientCertificateCredential (PEM)",
  "ClientCertificateCredential (PFX)",
  "ManagedIdentityCredential",
  "AzureCliCredential",
  "DefaultAzureCredential",
  "getBearerTokenProvider",
];

test("npm run demo: two runs at once each get every token with one request, then a cache hit and 100 calls → 1 request", async () => {
  const run = () =>
    promisify(execFile)(process.execPath, ["bin/demo.mjs"], {
      cwd: root,
      timeout: 120_000,
      encoding: "utf8",
    });
  const outputs = await Promise.all([run(), run()]);
  const ports = outputs.map(
    ({ stdout }) => /emulator at https:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1],
  );
  assert.ok(ports[0] && ports[1] && ports[0] !== ports[1], "each demo has its own random port");
  for (const { stdout, stderr } of outputs) {
    assert.equal(stderr, "");
    assert.match(stdout, /^credential +requests +time +aud +appid +exp$/m);
    for (const name of CREDENTIALS) {
      const row = stdout.split("\n").find((line) => line.startsWith(`${name}  `));
      assert.ok(row, `a row for ${name}:\n${stdout}`);
      assert.match(
        row,
        / 1 +\d+ ms +https:\/\/\S+ +[0-9a-f-]{36} +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
        row,
      );
    }
    assert.match(stdout, /^cache hit: 0 requests, \d+\.\d\d ms$/m);
    assert.match(stdout, /^100 concurrent getToken calls: 1 request, \d+ ms$/m);
  }
  console.log(outputs[0]!.stdout);
});
