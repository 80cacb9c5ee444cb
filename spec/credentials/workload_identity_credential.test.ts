import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { FakeEntra } from "../support/fake_entra.js";
import { FEDERATION_CERTIFICATE, federatedToken } from "../support/federated_token.js";
import { TEST_TLS } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AuthenticationError,
  CredentialUnavailableError,
  WorkloadIdentityCredential,
  type WorkloadIdentityCredentialOptions,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "5a1e0000-0000-4000-8000-00000000w1d0";
const SCOPE = "https://storage.azure.com/.default";

let fake: FakeEntra;
let dir: string;
let tokenFile: string;

function credential(
  options: WorkloadIdentityCredentialOptions & Record<string, unknown> = {},
): WorkloadIdentityCredential {
  return new WorkloadIdentityCredential({
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { retryDelayInMs: 1 },
    env: {},
    ...options,
  } as WorkloadIdentityCredentialOptions);
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: CLIENT, tenantId: TENANT, certificates: [FEDERATION_CERTIFICATE] });
  dir = mkdtempSync(join(tmpdir(), "entra-zero-wi-"));
  tokenFile = join(dir, "azure-identity-token");
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.requests.length = 0;
  writeFileSync(tokenFile, federatedToken(CLIENT, fake.tokenEndpoint(TENANT)));
});

describe("WorkloadIdentityCredential", () => {
  test("reads AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_FEDERATED_TOKEN_FILE and sends the file as the client assertion", async () => {
    const cred = credential({
      env: {
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: CLIENT,
        AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      },
    });
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, fake.issuedTokens.at(-1));
    const request = fake.tokenRequests[0]!;
    assert.equal(request.path, `/${TENANT}/oauth2/v2.0/token`);
    assert.deepEqual(request.fieldOrder, [
      "client_id",
      "scope",
      "grant_type",
      "client_assertion",
      "client_assertion_type",
    ]);
    assert.equal(
      request.form.client_assertion_type,
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
    await cred.close();
  });

  test("options win over the environment", async () => {
    const cred = credential({
      tenantId: TENANT,
      clientId: CLIENT,
      tokenFilePath: tokenFile,
      env: {
        AZURE_TENANT_ID: "other",
        AZURE_CLIENT_ID: "other",
        AZURE_FEDERATED_TOKEN_FILE: "/nope",
      },
    });
    await cred.getToken(SCOPE);
    assert.equal(fake.tokenRequests[0]!.form.client_id, CLIENT);
    await cred.close();
  });

  test("the file is re-read once the copy is older than 5 minutes, not before", async () => {
    let now = Date.now();
    const cred = credential({
      tenantId: TENANT,
      clientId: CLIENT,
      tokenFilePath: tokenFile,
      now: () => now,
    });
    await cred.getToken(SCOPE);
    const first = fake.tokenRequests[0]!.form.client_assertion;
    writeFileSync(tokenFile, federatedToken(CLIENT, fake.tokenEndpoint(TENANT)));
    now += 4 * 60_000;
    // The copy in memory is reused (the fake, like a strict Entra, refuses the replayed jti).
    await rejectsWith(cred.getToken(SCOPE, { claims: '{"access_token":{}}' }), {
      class: AuthenticationError,
      code: "invalid_client",
      message: /AADSTS700025/,
    });
    assert.equal(fake.tokenRequests[1]!.form.client_assertion, first);
    now += 61_000;
    await cred.getToken(SCOPE, { claims: '{"access_token":{}}' });
    assert.notEqual(fake.tokenRequests[2]!.form.client_assertion, first);
    await cred.close();
  });

  test("an empty federated token file is a clear error", async () => {
    writeFileSync(tokenFile, "  \n");
    const cred = credential({ tenantId: TENANT, clientId: CLIENT, tokenFilePath: tokenFile });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_FEDERATED_TOKEN_FILE",
      message: /^WorkloadIdentityCredential: the federated token file .* is empty/,
    });
    assert.equal(fake.tokenRequests.length, 0);
    await cred.close();
  });

  test("a missing token file is a clear error", async () => {
    const cred = credential({
      tenantId: TENANT,
      clientId: CLIENT,
      tokenFilePath: join(dir, "absent"),
    });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_FEDERATED_TOKEN_FILE",
      message: /cannot read the federated token file .*ENOENT/,
    });
    await cred.close();
  });

  test("a federated token given as the token file path is not echoed in the error", async () => {
    const token = federatedToken(CLIENT, fake.tokenEndpoint(TENANT));
    for (const options of [
      { tokenFilePath: token },
      { env: { AZURE_FEDERATED_TOKEN_FILE: token } },
    ]) {
      const cred = credential({ tenantId: TENANT, clientId: CLIENT, ...options });
      const error = await rejectsWith(cred.getToken(SCOPE), {
        class: CredentialUnavailableError,
        code: "ERR_FEDERATED_TOKEN_FILE",
        message:
          /cannot read the federated token file \(a path was expected, but .* looks like file contents/,
      });
      assertNoSecret(error, token.split(".")[1]!);
      await cred.close();
    }
    assert.equal(fake.tokenRequests.length, 0);
  });

  test("a named pipe as the token file fails at once and leaves no read pending after close()", async () => {
    const fifo = join(dir, "fifo-token");
    execFileSync("mkfifo", [fifo]);
    const cred = credential({ tenantId: TENANT, clientId: CLIENT, tokenFilePath: fifo });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_FEDERATED_TOKEN_FILE",
      message: /cannot read the federated token file ".*fifo-token" \(not a regular file\)/,
    });
    await cred.close();
    rmSync(fifo);
  });

  test("/dev/zero as the token file is refused instead of growing without bound", async () => {
    const cred = credential({ tenantId: TENANT, clientId: CLIENT, tokenFilePath: "/dev/zero" });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_FEDERATED_TOKEN_FILE",
      message: /"\/dev\/zero" \(not a regular file\)/,
    });
    await cred.close();
  });

  test("a token file over 64 KiB is refused by its size", async () => {
    writeFileSync(tokenFile, "x".repeat(100_000));
    const cred = credential({ tenantId: TENANT, clientId: CLIENT, tokenFilePath: tokenFile });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_FEDERATED_TOKEN_FILE",
      message: /\(100000 bytes, over the 65536-byte limit\)/,
    });
    await cred.close();
  });

  test("a token Entra refuses stops with Entra's error, without the token in it", async () => {
    const bogus = federatedToken(CLIENT, "https://elsewhere.example/token");
    writeFileSync(tokenFile, bogus);
    const cred = credential({ tenantId: TENANT, clientId: CLIENT, tokenFilePath: tokenFile });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_client",
      message: /AADSTS700021/,
    });
    assertNoSecret(error, bogus);
    await cred.close();
  });

  test("missing configuration names what is missing", () => {
    throwsWith(() => credential({ env: { AZURE_TENANT_ID: TENANT } }), {
      class: CredentialUnavailableError,
      code: "ERR_CREDENTIAL_UNAVAILABLE",
      message:
        /^WorkloadIdentityCredential: workload identity is not configured; missing "clientId" \(or AZURE_CLIENT_ID\), "tokenFilePath" \(or AZURE_FEDERATED_TOKEN_FILE\)/,
    });
  });
});
