import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startEntraEmulator } from "../../lib/testing/index.js";
import { FakeKeyVault, VAULT_RESOURCE } from "../support/fake_key_vault.js";
import { fixturePath, readFixture } from "../support/fixtures.js";
import { runCollecting } from "../support/netns.js";
import { scenarioPath } from "../support/real_tools.js";
import type { KeyVaultScenario, SecretRead } from "./scenarios/keyvault_client.js";

// The real @azure/keyvault-secrets SecretClient runs in a child process whose Node trusts the test
// CA (NODE_EXTRA_CA_CERTS: the SDK uses the global agent); our credentials in it trust the
// emulator through credentialOptions(). The vault and the emulator run here, on loopback.
const CAE = { secretName: "cae-guarded", claim: "acrs", value: "c1" };
let emulator: Awaited<ReturnType<typeof startEntraEmulator>>;
let vault: FakeKeyVault;

before(async () => {
  emulator = await startEntraEmulator();
});
after(async () => {
  await vault?.close();
  await emulator?.close();
});

test("SecretClient reads secrets through ClientSecretCredential and ClientCertificateCredential, and a CAE claims challenge gets a token carrying the claims", async (t) => {
  const secretApp = emulator.registerApplication({ clientSecret: "kv-client-secret-8Hq" });
  const certificateApp = emulator.registerApplication({
    tenantId: secretApp.tenantId,
    certificates: [readFixture("certs/cert_only.pem")],
  });
  vault = await FakeKeyVault.start(
    { authorityHost: emulator.authorityHost, tenantId: secretApp.tenantId, jwks: emulator.jwks },
    CAE,
  );
  vault.secrets.set("db-password", "correct horse battery staple");
  vault.secrets.set(CAE.secretName, "guarded by conditional access");
  const scenario: KeyVaultScenario = {
    vaultUrl: vault.url,
    credentialOptions: { ...emulator.credentialOptions() },
    tenantId: secretApp.tenantId,
    secretApp: { clientId: secretApp.clientId, clientSecret: secretApp.clientSecret! },
    certificateApp: {
      clientId: certificateApp.clientId,
      certificatePem: readFixture("certs/cert.pem"),
    },
    secretNames: ["db-password", CAE.secretName],
  };
  const run = await runCollecting([process.execPath, scenarioPath("keyvault_client")], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      NODE_EXTRA_CA_CERTS: fixturePath("tls/ca.pem"),
    },
    input: JSON.stringify(scenario),
    timeoutMs: 60_000,
  });
  assert.equal(run.exitCode, 0, run.stderr);
  const { reads } = JSON.parse(run.stdout) as { reads: SecretRead[] };
  assert.deepEqual(
    reads,
    ["ClientSecretCredential", "ClientCertificateCredential"].flatMap((credential) => [
      { credential, name: "db-password", value: "correct horse battery staple" },
      { credential, name: CAE.secretName, value: "guarded by conditional access" },
    ]),
  );

  // The vault: a challenge first, then a token; the guarded secret: a claims challenge, then a
  // new token carrying the claim. Each credential (each client) goes through it once.
  const perClient = ["challenge", "ok", "claims-challenge", "ok"];
  assert.deepEqual(
    vault.requests.map((request) => request.outcome),
    [...perClient, ...perClient],
  );
  const accepted = vault.requests.filter((request) => request.outcome === "ok");
  for (const request of accepted) {
    assert.equal(request.claims?.aud, VAULT_RESOURCE);
    assert.deepEqual(request.claims?.xms_cc, ["cp1"]);
  }
  assert.deepEqual(
    accepted.map((request) => [request.claims?.appid, request.claims?.[CAE.claim]]),
    [
      [secretApp.clientId, undefined],
      [secretApp.clientId, CAE.value],
      [certificateApp.clientId, undefined],
      [certificateApp.clientId, CAE.value],
    ],
  );

  // The emulator: one token request per challenge; the CAE one sends the challenge's claims
  // merged with the client capability cp1.
  const tokenRequests = emulator.requests.filter((request) =>
    request.path.endsWith("/oauth2/v2.0/token"),
  );
  assert.equal(tokenRequests.length, 4);
  assert.deepEqual(
    tokenRequests.map((request) => [
      request.form.client_assertion_type ? "assertion" : "secret",
      request.form.scope,
      JSON.parse(request.form.claims ?? "{}"),
    ]),
    ["secret", "secret", "assertion", "assertion"].map((auth, i) => [
      auth,
      `${VAULT_RESOURCE}/.default`,
      {
        access_token: {
          ...(i % 2 === 1 ? { [CAE.claim]: { essential: true, value: CAE.value } } : {}),
          xms_cc: { values: ["cp1"] },
        },
      },
    ]),
  );
  t.diagnostic(`SecretClient child process: ${run.ms} ms for 4 reads with 2 credentials`);
});
