import assert from "node:assert/strict";
import { test } from "node:test";
import { rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  ClientCertificateCredential,
  WorkloadIdentityCredential,
  CertificateError,
  CredentialUnavailableError,
} from "../support/package.js";

// Defects the injection sweep (injection.test.ts) found, each named after what broke.

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

test("a certificatePath or tokenFilePath holding U+2028 reached the message as a line break", async () => {
  const path = "/nonexistent/a\u2028b\u2029c";
  const certificate = throwsWith(
    () => new ClientCertificateCredential(TENANT, "c", { certificatePath: path }),
    {
      class: CertificateError,
      code: "ERR_CERT_READ",
      message: /cannot read the certificate file "\/nonexistent\/a\\u2028b\\u2029c" \(ENOENT\)/,
    },
  );
  assert.doesNotMatch(certificate.message, /[\u2028\u2029]/);
  const token = await rejectsWith(
    new WorkloadIdentityCredential({
      tenantId: TENANT,
      clientId: "c",
      tokenFilePath: path,
    }).getToken("api://x/.default"),
    {
      class: CredentialUnavailableError,
      code: "ERR_FEDERATED_TOKEN_FILE",
      message: /cannot read the federated token file "\/nonexistent\/a\\u2028b\\u2029c" \(ENOENT\)/,
    },
  );
  assert.doesNotMatch(token.message, /[\u2028\u2029]/);
});
