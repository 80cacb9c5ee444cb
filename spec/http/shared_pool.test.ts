import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { FakeEntra } from "../support/fake_entra.js";
import { fixturePath, readFixture, TEST_TLS } from "../support/fixtures.js";
import { ClientSecretCredential } from "../support/package.js";

const SCOPE = "https://vault.azure.net/.default";
const root = fileURLToPath(new URL("../../../", import.meta.url));
let fake: FakeEntra;

const make = (clientId = "pool-client", extra: Record<string, unknown> = {}) =>
  new ClientSecretCredential("pool-tenant", clientId, "pool-secret", {
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { maxRetries: 0 },
    ...extra,
  });

before(async () => {
  fake = await FakeEntra.start();
  for (const clientId of ["pool-client", "pool-other", "pool-third"])
    fake.register({ clientId, tenantId: "pool-tenant", secret: "pool-secret" });
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});

test("a new credential with the same authority and TLS settings reuses the warm socket: no new connection", async () => {
  const first = make();
  await first.getToken(SCOPE);
  const connections = fake.connections;
  for (const clientId of ["pool-other", "pool-third"]) {
    const next = make(clientId);
    await next.getToken(SCOPE);
    await next.close();
  }
  assert.equal(fake.connections, connections, "new TLS connections for new credentials");
  await first.close();
  // close() left the pool warm for the next credential.
  const later = make("pool-other");
  await later.getToken(SCOPE);
  assert.equal(fake.connections, connections);
  await later.close();
});

test("another set of trusted CAs gets a pool of its own", async () => {
  const before = fake.connections;
  const ca = [TEST_TLS.ca, readFixture("certs/root.pem")];
  const other = make("pool-third", { tlsOptions: { ca } });
  await other.getToken(SCOPE);
  assert.equal(fake.connections, before + 1);
  await other.close();
});

test("close() of one credential ends its own in-flight request, never another credential's on the shared pool", async () => {
  const a = make("pool-other");
  const b = make("pool-third");
  fake.faults.push({ kind: "delay", ms: 300 }, { kind: "delay", ms: 300 });
  const mine = a.getToken("https://management.azure.com/.default");
  const theirs = b.getToken("https://storage.azure.com/.default");
  await new Promise((resolve) => setTimeout(resolve, 50));
  await a.close();
  await assert.rejects(mine, {
    name: "AbortError",
    code: "ERR_ABORTED",
    message: /^ClientSecretCredential: /,
  });
  const token = await theirs;
  assert.ok(fake.issuedTokens.includes(token.token));
  await b.close();
});

test("a script that gets a token and returns exits at once: idle pooled sockets do not hold the process", async () => {
  const script = [
    `import { readFileSync } from "node:fs";`,
    `import { ClientSecretCredential } from "entra-zero";`,
    `const { AUTHORITY, CA_FILE } = process.env;`,
    `const credential = new ClientSecretCredential("pool-tenant", "pool-client", "pool-secret", {`,
    `  authorityHost: AUTHORITY, disableInstanceDiscovery: true, tlsOptions: { ca: readFileSync(CA_FILE, "utf8") },`,
    `});`,
    `await credential.getToken(${JSON.stringify(SCOPE)});`,
    `globalThis.tokenAt = performance.now();`,
    `process.on("exit", () => console.log(Math.round(performance.now() - globalThis.tokenAt)));`,
  ].join("\n");
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", script],
    {
      cwd: root,
      timeout: 20_000,
      env: { ...process.env, AUTHORITY: fake.url, CA_FILE: fixturePath("tls/ca.pem") },
    },
  );
  // The fake keeps idle connections open for 5 s; a process held by one would exit that much later.
  const lingered = Number(stdout.trim());
  assert.ok(lingered < 1000, `the process lived ${lingered} ms after its token`);
});
