import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AuthenticationError, CredentialUnavailableError } from "../../../lib/errors.js";
import type { HttpResponse } from "../../../lib/http/transport.js";
import {
  checkArcKeyPath,
  parseArcChallenge,
} from "../../../lib/credentials/managed_identity/azure_arc.js";
import {
  arcKeyDirectory,
  detectSource,
} from "../../../lib/credentials/managed_identity/sources.js";
import { tokenRequest } from "../../../lib/credentials/managed_identity/token_request.js";
import { isLoopbackOrLinkLocal } from "../../../lib/http/local_address.js";
import {
  parseManagedIdentityResponse,
  readExpiresOn,
} from "../../../lib/credentials/managed_identity/response.js";
import { resolveRetryOptions, retryDelay } from "../../../lib/http/retry.js";
import { assertError, throwsWith } from "../../support/assert_error.js";

const R = "https://vault.azure.net";
const SF_THUMB = "B026437EC8BACA0F14A5C0FE57AA4C8A452F620D";

function response(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers,
    body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
  };
}

describe("managed identity: source detection (first match wins)", () => {
  const table: Array<[string, NodeJS.ProcessEnv, string]> = [
    [
      "Service Fabric",
      {
        IDENTITY_ENDPOINT: "https://10.0.0.4:2377/metadata/identity/oauth2/token",
        IDENTITY_HEADER: "h",
        IDENTITY_SERVER_THUMBPRINT: SF_THUMB,
        MSI_ENDPOINT: "http://x",
      },
      "Service Fabric",
    ],
    [
      "App Service",
      {
        IDENTITY_ENDPOINT: "http://localhost:8081/msi/token",
        IDENTITY_HEADER: "h",
        MSI_ENDPOINT: "http://x",
        MSI_SECRET: "s",
      },
      "App Service",
    ],
    [
      "Azure Arc",
      {
        IDENTITY_ENDPOINT: "http://localhost:40342/metadata/identity/oauth2/token",
        IMDS_ENDPOINT: "http://localhost:40342",
      },
      "Azure Arc",
    ],
    ["Azure ML", { MSI_ENDPOINT: "http://127.0.0.1:46808/", MSI_SECRET: "s" }, "Azure ML"],
    ["Cloud Shell", { MSI_ENDPOINT: "http://localhost:50342/oauth2/token" }, "Cloud Shell"],
    ["IMDS", {}, "IMDS"],
    [
      "IMDS behind pod identity",
      { AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://10.0.0.9:2579" },
      "IMDS",
    ],
  ];
  for (const [name, env, kind] of table) {
    test(name, () => {
      const detection = detectSource(env, undefined);
      assert.equal(detection.kind, "source");
      assert.equal(detection.kind === "source" && detection.source.name, kind);
    });
  }

  test("token exchange when the federated token file, tenant and client id are all set", () => {
    const env = {
      AZURE_FEDERATED_TOKEN_FILE: "/var/run/token",
      AZURE_TENANT_ID: "t",
      AZURE_CLIENT_ID: "c",
    };
    assert.deepEqual(detectSource(env, undefined), {
      kind: "workload",
      workload: { tenantId: "t", clientId: "c", tokenFilePath: "/var/run/token" },
    });
    assert.deepEqual(detectSource(env, { kind: "clientId", value: "mine" }), {
      kind: "workload",
      workload: { tenantId: "t", clientId: "mine", tokenFilePath: "/var/run/token" },
    });
    assert.equal(detectSource(env, { kind: "resourceId", value: "/r" }).kind, "source");
  });

  test("the IMDS probe is skipped behind pod identity", () => {
    const pod = detectSource(
      { AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://10.0.0.9:2579/" },
      undefined,
    );
    const vm = detectSource({}, undefined);
    assert.ok(pod.kind === "source" && pod.source.probeUrl === undefined);
    assert.ok(
      vm.kind === "source" &&
        vm.source.probeUrl === "http://169.254.169.254/metadata/identity/oauth2/token",
    );
  });

  test("a thumbprint that is not hex is an environment error", () => {
    const env = {
      IDENTITY_ENDPOINT: "https://h/",
      IDENTITY_HEADER: "h",
      IDENTITY_SERVER_THUMBPRINT: "xyz",
    };
    throwsWith(() => detectSource(env, undefined), {
      class: CredentialUnavailableError,
      code: "ERR_MANAGED_IDENTITY_CONFIG",
      message: /IDENTITY_SERVER_THUMBPRINT must be a SHA-1 or SHA-256/,
    });
  });

  test("plain http to a host that is neither loopback nor link-local is refused (hard rule: no tokens over open networks)", () => {
    for (const env of [
      { IDENTITY_ENDPOINT: "http://tokens.example.com/msi/token", IDENTITY_HEADER: "h" },
      { MSI_ENDPOINT: "http://10.1.2.3:50342/oauth2/token" },
    ]) {
      throwsWith(() => detectSource(env, undefined), {
        class: CredentialUnavailableError,
        code: "ERR_MANAGED_IDENTITY_CONFIG",
        message:
          /over plain http; managed-identity endpoints may use http only on a loopback or link-local address/,
      });
    }
  });

  test("loopback and link-local hosts", () => {
    const cases: Array<[string, boolean]> = [
      ["localhost", true],
      ["127.0.0.1", true],
      ["127.10.0.1", true],
      ["169.254.169.254", true],
      ["[::1]", true],
      ["fe80::1", true],
      ["10.0.0.1", false],
      ["192.168.1.1", false],
      ["example.com", false],
      ["localhost.example.com", false],
      ["::", false],
      ["2001:db8::1", false],
    ];
    for (const [host, expected] of cases) assert.equal(isLoopbackOrLinkLocal(host), expected, host);
  });

  test("a non-http endpoint is an environment error", () => {
    throwsWith(() => detectSource({ MSI_ENDPOINT: "file:///etc/passwd" }, undefined), {
      class: CredentialUnavailableError,
      code: "ERR_MANAGED_IDENTITY_CONFIG",
      message: /must be an http or https URL/,
    });
  });
});

describe("managed identity: requests (pure)", () => {
  const build = (env: NodeJS.ProcessEnv) => {
    const d = detectSource(env, undefined);
    assert.equal(d.kind, "source");
    return d.kind === "source" ? tokenRequest(d.source, R) : assert.fail();
  };
  test("Azure Arc rewrites localhost to 127.0.0.1", () => {
    const request = build({
      IDENTITY_ENDPOINT: "http://localhost:40342/metadata/identity/oauth2/token",
      IMDS_ENDPOINT: "http://localhost:40342",
    });
    assert.equal(
      request.url,
      `http://127.0.0.1:40342/metadata/identity/oauth2/token?api-version=2020-06-01&resource=${encodeURIComponent(R)}`,
    );
  });
  test("an endpoint's own query is kept", () => {
    const request = build({
      IDENTITY_ENDPOINT: "http://localhost:8081/msi/token?x=1",
      IDENTITY_HEADER: "h",
    });
    assert.equal(
      request.url,
      `http://localhost:8081/msi/token?x=1&api-version=2019-08-01&resource=${encodeURIComponent(R)}`,
    );
    const emptyQuery = build({
      IDENTITY_ENDPOINT: "http://localhost:8081/msi/token?",
      IDENTITY_HEADER: "h",
    });
    assert.equal(
      emptyQuery.url,
      `http://localhost:8081/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(R)}`,
    );
  });
  test("Arc key directory per platform", () => {
    assert.equal(arcKeyDirectory("linux", {}), "/var/opt/azcmagent/tokens");
    assert.equal(
      arcKeyDirectory("win32", { ProgramData: "D:\\PD" }),
      "D:\\PD\\AzureConnectedMachineAgent\\Tokens",
    );
    assert.equal(arcKeyDirectory("darwin", {}), undefined);
  });
});

describe("managed identity: Azure Arc challenge (pure)", () => {
  const cases: Array<[string, Record<string, string>, RegExp | string]> = [
    [
      "plain realm",
      { "www-authenticate": "Basic realm=/var/opt/azcmagent/tokens/a.key" },
      "/var/opt/azcmagent/tokens/a.key",
    ],
    [
      "quoted realm",
      { "www-authenticate": 'Basic realm="/var/opt/azcmagent/tokens/a.key"' },
      "/var/opt/azcmagent/tokens/a.key",
    ],
    [
      "Bearer scheme",
      { "www-authenticate": "Bearer realm=x" },
      /not "Basic realm=<key file path>"/,
    ],
    ["missing", {}, /no WWW-Authenticate header/],
  ];
  for (const [name, headers, expected] of cases) {
    test(name, () => {
      if (typeof expected === "string")
        assert.equal(parseArcChallenge(response(401, "", headers)), expected);
      else
        throwsWith(() => parseArcChallenge(response(401, "", headers)), {
          class: AuthenticationError,
          code: "ERR_ARC_CHALLENGE",
          message: expected,
        });
    });
  }
  test("key path rules: directory, extension, traversal, Windows case", () => {
    assert.equal(
      checkArcKeyPath("/var/opt/azcmagent/tokens/a.key", "/var/opt/azcmagent/tokens"),
      "/var/opt/azcmagent/tokens/a.key",
    );
    assert.equal(
      checkArcKeyPath(
        "c:\\programdata\\azureconnectedmachineagent\\tokens\\a.key",
        "C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens",
      ),
      "c:\\programdata\\azureconnectedmachineagent\\tokens\\a.key",
    );
    for (const [path, gist] of [
      ["/var/opt/azcmagent/tokens/../a.key", /not in the agent's token directory/],
      ["/var/opt/azcmagent/tokens/sub/a.key", /not in the agent's token directory/],
      ["/var/opt/azcmagent/tokens/a.key.txt", /does not end in "\.key"/],
    ] as const) {
      throwsWith(() => checkArcKeyPath(path, "/var/opt/azcmagent/tokens"), {
        class: AuthenticationError,
        code: "ERR_ARC_KEY_FILE",
        message: gist,
      });
    }
    throwsWith(() => checkArcKeyPath("/x/a.key", undefined), {
      class: AuthenticationError,
      code: "ERR_ARC_KEY_FILE",
      message: /Linux and Windows only/,
    });
  });
});

describe("managed identity: reply check (pure)", () => {
  const context = {
    sourceName: "IMDS",
    requestStartMs: 1_000_000_000_000,
    userAssigned: false,
  };
  const expiries: Array<[string, Record<string, unknown>, number]> = [
    ["expires_on epoch number", { expires_on: 1_000_003_600 }, 1_000_003_600_000],
    ["expires_on numeric string", { expires_on: "1000003600" }, 1_000_003_600_000],
    [
      "expires_on Linux date string",
      { expires_on: "09/09/2001 01:46:40 +00:00" },
      1_000_000_000_000,
    ],
    [
      "expires_on Windows date string",
      { expires_on: "9/9/2001 1:46:40 AM +00:00" },
      1_000_000_000_000,
    ],
    ["expires_in only", { expires_in: 3600 }, 1_000_003_600_000],
    ["expires_in as a string", { expires_in: "60" }, 1_000_000_060_000],
  ];
  for (const [name, fields, expected] of expiries) {
    test(name, () => {
      const result = parseManagedIdentityResponse(
        response(200, { access_token: "at", token_type: "Bearer", ...fields }),
        context,
      );
      assert.equal(result.expiresOnTimestamp, expected);
      assert.equal(result.refreshAfterTimestamp, undefined);
    });
  }
  test("2 h or more refreshes at half-life; exactly under 2 h does not", () => {
    assert.equal(
      parseManagedIdentityResponse(response(200, { access_token: "at", expires_in: 7200 }), context)
        .refreshAfterTimestamp,
      1_000_003_600_000,
    );
    assert.equal(
      parseManagedIdentityResponse(response(200, { access_token: "at", expires_in: 7199 }), context)
        .refreshAfterTimestamp,
      undefined,
    );
  });
  test("readExpiresOn refuses junk", () => {
    for (const value of ["soon", "", null, -1, {}, "12abc"])
      assert.equal(readExpiresOn(value), undefined, String(value));
  });

  const failures: Array<
    [string, HttpResponse, abstract new (...a: never[]) => Error, string, RegExp]
  > = [
    [
      "400 system-assigned",
      response(400, { error: "invalid_request", error_description: "Identity not found" }),
      CredentialUnavailableError,
      "ERR_IDENTITY_NOT_FOUND",
      /No identity has been assigned.*Identity not found/,
    ],
    [
      "403 unreachable",
      response(403, "A socket operation was attempted to an unreachable network."),
      CredentialUnavailableError,
      "ERR_IMDS_UNAVAILABLE",
      /unreachable/,
    ],
    [
      "403 other",
      response(403, { error: "forbidden", error_description: "nope" }),
      AuthenticationError,
      "forbidden",
      /HTTP 403 \(forbidden\): nope/,
    ],
    [
      "Service Fabric error shape",
      response(401, {
        error: {
          correlationId: "c",
          code: "SecretHeaderNotFound",
          message: "Secret is not found in the request headers.",
        },
      }),
      AuthenticationError,
      "SecretHeaderNotFound",
      /Secret is not found/,
    ],
    [
      "App Service text error",
      response(500, { statusCode: 500, message: "error content is undefined" }),
      AuthenticationError,
      "ERR_HTTP_STATUS",
      /error content is undefined/,
    ],
    [
      "non-JSON 2xx",
      response(200, "<html></html>"),
      CredentialUnavailableError,
      "ERR_RESPONSE_NOT_JSON",
      /not JSON/,
    ],
    [
      "no access_token",
      response(200, { expires_in: 1 }),
      AuthenticationError,
      "ERR_RESPONSE_INVALID",
      /"access_token" must be a non-empty string/,
    ],
    [
      "no expiry",
      response(200, { access_token: "at" }),
      AuthenticationError,
      "ERR_RESPONSE_INVALID",
      /neither "expires_on" nor "expires_in"/,
    ],
    [
      "bad expires_on",
      response(200, { access_token: "at", expires_on: "later" }),
      AuthenticationError,
      "ERR_RESPONSE_INVALID",
      /"expires_on" must be epoch seconds or a date/,
    ],
    [
      "pop token type",
      response(200, { access_token: "at", expires_in: 1, token_type: "pop" }),
      AuthenticationError,
      "ERR_RESPONSE_INVALID",
      /"token_type" must be "Bearer"/,
    ],
  ];
  for (const [name, res, cls, code, message] of failures) {
    test(name, () => {
      try {
        parseManagedIdentityResponse(res, context);
      } catch (error) {
        assertError(error, { class: cls, code, message });
        assert.match((error as Error).message, /^ManagedIdentityCredential: /);
        return;
      }
      assert.fail("expected a throw");
    });
  }
  test("a token in an error body never reaches the message", () => {
    try {
      parseManagedIdentityResponse(
        response(500, { error_description: "oops eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln" }),
        context,
      );
    } catch (error) {
      assert.doesNotMatch((error as Error).message, /eyJhbGciOiJub25lIn0/);
    }
  });
});

describe("retry policies (pure)", () => {
  test("managed identity retries 404, 410, 429, 5xx; not 400, 401, 403", () => {
    const { policy } = resolveRetryOptions("Test", undefined, "managedIdentity");
    assert.deepEqual(
      [400, 401, 403, 404, 410, 429, 500, 501, 503, 599].filter(policy.retriable),
      [404, 410, 429, 500, 501, 503, 599],
    );
  });
  test("managed identity: exponential with jitter in the upper half, 410 with a 3.75× base, Retry-After first, capped", () => {
    const options = resolveRetryOptions("Test", undefined, "managedIdentity");
    const { policy: _policy, ...settings } = options;
    assert.deepEqual(settings, { maxRetries: 5, retryDelayInMs: 800, maxRetryDelayInMs: 64_000 });
    const at = (
      attempt: number,
      status: number,
      random: number,
      headers: Record<string, string> = {},
    ) => retryDelay(attempt, response(status, "", headers), options, 0, () => random);
    assert.equal(at(0, 500, 0), 400);
    assert.equal(at(0, 500, 1), 800);
    assert.equal(at(3, 404, 1), 6400);
    assert.equal(at(0, 410, 1), 3000);
    assert.equal(at(4, 410, 1), 48_000);
    assert.equal(at(10, 500, 1), 64_000);
    assert.equal(at(0, 429, 0, { "retry-after": "7" }), 7000);
    assert.equal(at(0, 429, 0, { "retry-after": "100000" }), 64_000);
  });
  test("token endpoint: 408, 429, 5xx but not 501/505; 3 retries from 800 ms, ±20 % jitter, 60 s cap", () => {
    const options = resolveRetryOptions("Test");
    const { policy, ...settings } = options;
    assert.deepEqual(settings, { maxRetries: 3, retryDelayInMs: 800, maxRetryDelayInMs: 60_000 });
    assert.equal(resolveRetryOptions("Test", { maxRetries: -1 }).maxRetries, 0);
    assert.deepEqual(
      [400, 404, 408, 410, 429, 500, 501, 503, 505].filter(policy.retriable),
      [408, 429, 500, 503],
    );
    const at = (attempt: number, random: number, headers: Record<string, string> = {}) =>
      retryDelay(attempt, response(503, "", headers), options, 0, () => random);
    assert.equal(at(0, 0), 640);
    assert.equal(at(1, 0.5), 1600);
    assert.ok(Math.abs(at(2, 1) - 3840) < 1e-6);
    assert.equal(at(10, 1), 60_000);
    assert.equal(at(0, 0, { "retry-after-ms": "250" }), 250);
    assert.equal(at(0, 0, { "retry-after": "100000" }), 60_000);
  });
});
