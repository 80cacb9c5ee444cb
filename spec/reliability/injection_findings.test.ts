import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveAuthority } from "../../lib/oauth/authority.js";
import { rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  ClientCertificateCredential,
  WorkloadIdentityCredential,
  CertificateError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../support/package.js";

// Defects the injection sweep (injection.test.ts) found, each named after what broke.

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

test("an authorityHost with a line break was silently stripped by the URL parser, and one with ../ resolved: both are refused", () => {
  for (const host of [
    "https://login.example.com/a\r\nX-Injected: 1",
    "https://login.example.com/a\tb",
    "https://login.example.com/x/../../etc",
    "https://login.example.com/x/%2e%2e/y",
    "https://login.example.com/x\\..\\y",
    "https://login.example.com/./x",
    "https://login.example.com/a\u2028b",
  ]) {
    const error = throwsWith(() => resolveAuthority("X", host, {}), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message:
        /^X: "authorityHost" must not contain whitespace, control characters or "\." and "\.\." path segments/,
    });
    assert.ok(!error.message.includes("X-Injected"), "the value is not echoed");
  }
  assert.equal(
    resolveAuthority("X", "https://login.example.com/prefix/", {}).host,
    "https://login.example.com/prefix",
  );
  assert.equal(
    resolveAuthority("X", " https://login.example.com ", {}).host,
    "https://login.example.com",
  );
  assert.equal(
    resolveAuthority("X", "https://login.example.com/a..b/%2e%2ex", {}).host,
    "https://login.example.com/a..b/%2e%2ex",
  );
});

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
