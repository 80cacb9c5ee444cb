import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { readFileSync } from "node:fs";
import { FakeEntra } from "../support/fake_entra.js";
import { fixturePath, readFixture, TEST_TLS } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";
import { CertificateError, ClientCertificateCredential } from "../support/package.js";

interface Expected {
  password: string;
  sha1?: string;
}
const expected = JSON.parse(readFixture("pfx/expected.json")) as Record<string, Expected>;
const GOOD = Object.entries(expected)
  .filter(([, e]) => e.sha1)
  .map(([name]) => name);
const TENANT = "pfx-tenant.example.com";
const APP = "f1f1f1f1-0000-4000-8000-000000000001";
const SCOPE = "https://vault.azure.net/.default";
let fake: FakeEntra;
const options = () => ({
  authorityHost: fake.url,
  disableInstanceDiscovery: true,
  tlsOptions: TEST_TLS,
});

before(async () => {
  fake = await FakeEntra.start();
  fake.register({
    clientId: APP,
    tenantId: TENANT,
    certificates: [readFixture("certs/cert_only.pem"), readFixture("certs/leaf.pem")],
  });
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});

describe("ClientCertificateCredential with PKCS#12", () => {
  test("there are good fixtures to try", () => assert.ok(GOOD.length >= 15, GOOD.join(",")));

  for (const name of GOOD) {
    test(`${name}.pfx obtains a token; the fake verifies the assertion against the thumbprint openssl reported`, async () => {
      const { password, sha1 } = expected[name]!;
      const cred = new ClientCertificateCredential(
        TENANT,
        APP,
        {
          certificatePath: fixturePath(`pfx/${name}.pfx`),
          ...(password ? { certificatePassword: password } : {}),
        },
        options(),
      );
      const token = await cred.getToken(SCOPE);
      assert.equal(token.token, fake.issuedTokens.at(-1));
      const header = JSON.parse(
        Buffer.from(
          fake.tokenRequests.at(-1)!.form.client_assertion!.split(".")[0]!,
          "base64url",
        ).toString(),
      ) as { x5t: string };
      assert.equal(Buffer.from(header.x5t, "base64url").toString("hex").toUpperCase(), sha1);
      await cred.close();
    });
  }

  test("PKCS#12 bytes and base64 text in `certificate` work too, with a byte password", async () => {
    const bytes = readFileSync(fixturePath("pfx/default.pfx"));
    for (const certificate of [bytes, new Uint8Array(bytes), bytes.toString("base64")]) {
      const cred = new ClientCertificateCredential(
        TENANT,
        APP,
        { certificate, certificatePassword: Buffer.from("fixture-password") },
        { ...options(), assertionAlgorithm: "PS256" },
      );
      await cred.getToken(SCOPE);
      await cred.close();
    }
  });

  test("a wrong password fails at the first getToken with the credential's name and no password", async () => {
    // PKCS#12 is decoded in the background after construction: its code loads only when needed.
    const cred = new ClientCertificateCredential(
      TENANT,
      APP,
      { certificatePath: fixturePath("pfx/default.pfx"), certificatePassword: "Wr0ng-Passw0rd" },
      options(),
    );
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: CertificateError,
      code: "ERR_PKCS12_MAC",
      message: /^ClientCertificateCredential: /,
    });
    assertNoSecret(error, "Wr0ng-Passw0rd");
    await cred.close();
  });

  test("a password of the wrong type is an argument error", () => {
    throwsWith(
      () =>
        new ClientCertificateCredential(
          TENANT,
          APP,
          { certificatePath: fixturePath("pfx/default.pfx"), certificatePassword: 42 as never },
          options(),
        ),
      {
        class: TypeError,
        code: "ERR_INVALID_ARG_TYPE",
        message: /"certificatePassword" must be a string, a Buffer or a Uint8Array/,
      },
    );
  });
});
