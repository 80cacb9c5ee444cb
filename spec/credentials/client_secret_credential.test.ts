import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { createServer } from "node:net";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS } from "../support/fixtures.js";
import {
  assertNoSecret,
  assertSecretNowhere,
  rejectsWith,
  throwsWith,
} from "../support/assert_error.js";
import {
  AbortError,
  AuthenticationError,
  ClientSecretCredential,
  CredentialUnavailableError,
  InvalidArgumentError,
  type ClientSecretCredentialOptions,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "0b7c5e1a-0000-4000-8000-00000000c11e";
const SECRET = "s3cr3t~Value.With-Chars_0123456789";
const SCOPE = "https://vault.azure.net/.default";

let fake: FakeEntra;

function credential(
  options: ClientSecretCredentialOptions & Record<string, unknown> = {},
  secret = SECRET,
): ClientSecretCredential {
  return new ClientSecretCredential(TENANT, CLIENT, secret, {
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { retryDelayInMs: 5 },
    ...options,
  });
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: CLIENT, tenantId: TENANT, secret: SECRET });
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.faults.length = 0;
});

describe("ClientSecretCredential: obtaining tokens", () => {
  test("posts exactly the client-credentials form and returns the token", async () => {
    const cred = credential();
    const before = Date.now();
    const token = await cred.getToken(SCOPE);
    assert.equal(fake.tokenRequests.length, 1);
    const request = fake.tokenRequests[0]!;
    assert.equal(request.path, `/${TENANT}/oauth2/v2.0/token`);
    assert.deepEqual(request.fieldOrder, ["client_id", "scope", "grant_type", "client_secret"]);
    assert.deepEqual(request.form, {
      client_id: CLIENT,
      scope: SCOPE,
      grant_type: "client_credentials",
      client_secret: SECRET,
    });
    assert.equal(
      request.headers["content-type"],
      "application/x-www-form-urlencoded;charset=utf-8",
    );
    assert.match(String(request.headers["user-agent"]), /^entra-zero\/\d+\.\d+\.\d+ Node\/20\./);
    assert.equal(token.token, fake.issuedTokens.at(-1));
    assert.equal(token.tokenType, "Bearer");
    assert.ok(
      token.expiresOnTimestamp >= before + 3599_000 &&
        token.expiresOnTimestamp <= Date.now() + 3599_000,
    );
    assert.equal(token.refreshAfterTimestamp, undefined);
    await cred.close();
  });

  test("an authorityHost ending in the tenant posts to /<tenant>/oauth2/v2.0/token once (was a 404)", async () => {
    const cred = credential({ authorityHost: `${fake.url}/${TENANT}` });
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, fake.issuedTokens.at(-1));
    assert.deepEqual(
      fake.requests.map((r) => r.path),
      [`/${TENANT}/oauth2/v2.0/token`],
    );
    await cred.close();
  });

  test("serves the second call from the cache: one request per first token", async () => {
    const cred = credential();
    const first = await cred.getToken([SCOPE]);
    const second = await cred.getToken(SCOPE);
    assert.equal(second, first);
    assert.equal(fake.requests.length, 1);
    await cred.close();
  });

  test("a cache hit still refuses a scope string it never validated, and logs each success", async () => {
    const lines: string[] = [];
    const cred = credential({
      loggingOptions: { logLevel: "info", logger: (_level, message) => lines.push(message) },
    });
    const first = await cred.getToken([SCOPE, "openid"]);
    // Same cache key as the array above ("<scope> openid"), but a space makes it no scope at all.
    await rejectsWith(cred.getToken(`${SCOPE} openid`), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /^ClientSecretCredential: "scopes\[0\]" must be a non-empty scope without spaces/,
    });
    assert.equal(await cred.getToken([SCOPE, "openid"]), first);
    const plain = await cred.getToken(SCOPE);
    assert.equal(await cred.getToken(SCOPE), plain);
    assert.equal(fake.tokenRequests.length, 2);
    const success = `ClientSecretCredential: getToken succeeded scopes=[${SCOPE}] tenant=${TENANT}`;
    assert.deepEqual(lines.slice(-2), [success, success]);
    assert.equal(lines.filter((l) => l.includes("getToken failed")).length, 1);
    await cred.close();
  });

  test("100 concurrent getToken calls on a fresh credential make 1 POST", async () => {
    const cred = credential();
    fake.faults.push({ kind: "delay", ms: 50 });
    const tokens = await Promise.all(Array.from({ length: 100 }, () => cred.getToken(SCOPE)));
    assert.equal(fake.tokenRequests.length, 1);
    assert.ok(tokens.every((t) => t.token === tokens[0]!.token));
    await cred.close();
  });

  test("regression: a background refresh and foreground misses for one token no longer send two POSTs", async () => {
    const client = "0b7c5e1a-0000-4000-8000-0000000f1e5a";
    fake.register({ clientId: client, tenantId: TENANT, secret: SECRET, refreshIn: 600 });
    let now = Date.now();
    const cred = new ClientSecretCredential(TENANT, client, SECRET, {
      authorityHost: fake.url,
      disableInstanceDiscovery: true,
      tlsOptions: TEST_TLS,
      now: () => now,
    } as ClientSecretCredentialOptions);
    const first = await cred.getToken(SCOPE);
    now += 600_000;
    fake.faults.push({ kind: "delay", ms: 100 });
    assert.equal((await cred.getToken(SCOPE)).token, first.token, "served; refresh in background");
    now += 3599_000 - 600_000 - 300_000;
    const tokens = await Promise.all(Array.from({ length: 99 }, () => cred.getToken(SCOPE)));
    assert.equal(fake.tokenRequests.length, 2, "the first token and one refresh");
    assert.ok(tokens.every((t) => t.token === fake.issuedTokens.at(-1)));
    await cred.close();
  });

  test("claims bypass the cache and are sent; CAE tokens are cached apart with xms_cc cp1", async () => {
    const cred = credential();
    await cred.getToken(SCOPE);
    const challenge = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
    await cred.getToken(SCOPE, { claims: challenge });
    assert.equal(fake.tokenRequests.length, 2);
    assert.equal(fake.tokenRequests[1]!.form.claims, challenge);
    await cred.getToken(SCOPE, { enableCae: true });
    assert.equal(fake.tokenRequests.length, 3);
    assert.deepEqual(JSON.parse(fake.tokenRequests[2]!.form.claims!), {
      access_token: { xms_cc: { values: ["cp1"] } },
    });
    await cred.getToken(SCOPE, { enableCae: true });
    await cred.getToken(SCOPE);
    assert.equal(fake.tokenRequests.length, 3);
    await cred.close();
  });

  test("expires_in as a numeric string is accepted", async () => {
    const cred = credential();
    fake.faults.push({
      kind: "status",
      status: 200,
      body: '{"token_type":"Bearer","expires_in":"3599","access_token":"string-expiry"}',
    });
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, "string-expiry");
    assert.ok(token.expiresOnTimestamp > Date.now() + 3500_000);
    await cred.close();
  });

  test('a per-call tenant in additionallyAllowedTenants is used; "*" allows any', async () => {
    const other = "contoso.onmicrosoft.com";
    const cred = credential({ additionallyAllowedTenants: [other] });
    await rejectsWith(cred.getToken(SCOPE, { tenantId: other }), {
      class: AuthenticationError,
      code: "invalid_request",
      message: /AADSTS90002/,
    });
    assert.equal(fake.tokenRequests[0]!.path, `/${other}/oauth2/v2.0/token`);
    const any = credential({ additionallyAllowedTenants: ["*"] });
    await rejectsWith(any.getToken(SCOPE, { tenantId: "fabrikam.com" }), {
      class: AuthenticationError,
      code: "invalid_request",
      message: /Tenant 'fabrikam.com' not found/,
    });
    await cred.close();
    await any.close();
  });

  test("AZURE_IDENTITY_DISABLE_MULTITENANTAUTH pins the configured tenant", async () => {
    const cred = credential({ env: { AZURE_IDENTITY_DISABLE_MULTITENANTAUTH: "1" } });
    await cred.getToken(SCOPE, { tenantId: "other-tenant" });
    assert.equal(fake.tokenRequests[0]!.path, `/${TENANT}/oauth2/v2.0/token`);
    await cred.close();
  });

  test("logs success and failure without the secret", async () => {
    const lines: string[] = [];
    const cred = credential({
      loggingOptions: {
        logLevel: "verbose",
        logger: (level, message) => lines.push(`${level} ${message}`),
      },
    });
    await cred.getToken(SCOPE);
    const bad = credential(
      {
        loggingOptions: {
          logLevel: "verbose",
          logger: (level, message) => lines.push(`${level} ${message}`),
        },
      },
      "wrong-secret-value-1234",
    );
    await assert.rejects(bad.getToken(SCOPE));
    assert.ok(
      lines.some((l) =>
        /^info ClientSecretCredential: getToken succeeded scopes=\[https:\/\/vault\.azure\.net\/\.default\]/.test(
          l,
        ),
      ),
      lines.join("\n"),
    );
    assert.ok(
      lines.some((l) => /^error ClientSecretCredential: getToken failed: .*AADSTS7000215/.test(l)),
      lines.join("\n"),
    );
    assert.ok(lines.every((l) => !l.includes(SECRET) && !l.includes("wrong-secret-value-1234")));
    await cred.close();
    await bad.close();
  });
  test("verbose says more than info: each request, its answer, cache hits and misses; never a secret", async () => {
    const lines = (level: "info" | "verbose") => {
      const out: string[] = [];
      const cred = credential({
        loggingOptions: { logLevel: level, logger: (l, message) => out.push(`${l} ${message}`) },
      });
      return { out, cred };
    };
    const verbose = lines("verbose");
    await verbose.cred.getToken(SCOPE);
    await verbose.cred.getToken(SCOPE);
    const endpoint = `${fake.url}/${TENANT}/oauth2/v2.0/token`;
    assert.deepEqual(
      verbose.out
        .filter((l) => l.startsWith("verbose "))
        .map((l) => l.replace(/in \d+ ms$/, "in N ms")),
      [
        "verbose ClientSecretCredential: token cache: miss",
        `verbose ClientSecretCredential: POST ${endpoint}`,
        `verbose ClientSecretCredential: POST ${endpoint} answered HTTP 200 in N ms`,
        "verbose ClientSecretCredential: token cache: hit",
      ],
    );
    const info = lines("info");
    await info.cred.getToken(SCOPE);
    assert.deepEqual(
      info.out.map((l) => l.split(" ")[0]),
      ["info"],
    );
    assert.ok(
      verbose.out.every((l) => !l.includes(SECRET) && !l.includes(fake.issuedTokens.at(-1)!)),
    );
    await verbose.cred.close();
    await info.cred.close();
  });
});

describe("ClientSecretCredential: Entra refusals and bad replies", () => {
  test("a wrong secret gives invalid_client / AADSTS7000215 and the secret is nowhere in the error", async () => {
    const wrong = "Wr0ng~Secret.Value-That_Must_Not_Leak";
    const cred = credential({}, wrong);
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      name: "AuthenticationError",
      code: "invalid_client",
      message:
        /^ClientSecretCredential: invalid_client \(HTTP 401\): AADSTS7000215: Invalid client secret/,
    });
    const auth = error as AuthenticationError;
    assert.equal(auth.statusCode, 401);
    assert.deepEqual(auth.errorResponse.errorCodes, [7000215]);
    assert.match(auth.errorResponse.traceId ?? "", /^[0-9a-f-]{36}$/);
    assert.match(auth.errorResponse.correlationId ?? "", /^[0-9a-f-]{36}$/);
    assertNoSecret(error, wrong);
    assert.equal(fake.tokenRequests.length, 1, "a 4xx is not retried");
    await cred.close();
  });

  test("a short client secret echoed in error, trace_id, correlation_id and timestamp, with CR/LF forging a log line, appeared verbatim", async () => {
    const short = "s3";
    const lines: string[] = [];
    const cred = credential(
      { loggingOptions: { logLevel: "verbose", logger: (_, line) => lines.push(line) } },
      short,
    );
    fake.faults.push({
      kind: "status",
      status: 401,
      body: JSON.stringify({
        error: `invalid_client_${short}`,
        error_description: `AADSTS7000215: secret ${short} (${encodeURIComponent(short)}) is wrong\r\nerror ClientSecretCredential: forged\u0000`,
        error_codes: [7000215],
        trace_id: `${short}-trace`,
        correlation_id: `${short}\ncorr`,
        timestamp: `2024 ${short}`,
      }),
    });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_client_[REDACTED]",
      message:
        /^ClientSecretCredential: invalid_client_\[REDACTED\] \(HTTP 401\): AADSTS7000215: secret \[REDACTED\] \(\[REDACTED\]\) is wrong \(Trace ID: \[REDACTED\]-trace, Correlation ID: \[REDACTED\] corr\)$/,
    });
    assertSecretNowhere(error, short, lines);
    assert.ok(
      lines.every((line) => !/[\r\n\u0000]/.test(line)),
      "a server's line break forged a log line",
    );
    assert.equal(lines.filter((line) => line.includes("forged")).length, 0);
    await cred.close();
  });

  test("200 with an HTML page is reported, not parsed", async () => {
    const cred = credential();
    fake.faults.push({ kind: "html" });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_RESPONSE_NOT_JSON",
      message:
        /not JSON \(HTTP 200, content-type text\/html; charset=utf-8, body starting "<!DOCTYPE html><html><head><title>Sign in/,
    });
    await cred.close();
  });

  test("a complete but truncated JSON body is not JSON", async () => {
    const cred = credential();
    fake.faults.push({ kind: "status", status: 200, body: '{"token_type":"Bearer","access_tok' });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_RESPONSE_NOT_JSON",
      message: /not JSON/,
    });
    await cred.close();
  });

  test("a body cut off before its Content-Length is truncated", async () => {
    const cred = credential({ retryOptions: { maxRetries: 0 } });
    fake.faults.push({ kind: "truncated" });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_RESPONSE_TRUNCATED",
      message: /cut off after \d+ bytes/,
    });
    await cred.close();
  });

  test("a body over 1 MiB is refused", async () => {
    const cred = credential();
    fake.faults.push({ kind: "oversized" });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_RESPONSE_TOO_LARGE",
      message: /exceeded the 1048576-byte limit/,
    });
    await cred.close();
  });

  for (const [name, body] of [
    ["missing", '{"token_type":"Bearer","expires_in":3599}'],
    ["empty", '{"token_type":"Bearer","expires_in":3599,"access_token":""}'],
  ] as const) {
    test(`a ${name} access_token is refused`, async () => {
      const cred = credential();
      fake.faults.push({ kind: "status", status: 200, body });
      await rejectsWith(cred.getToken(SCOPE), {
        class: AuthenticationError,
        code: "ERR_RESPONSE_INVALID",
        message: /"access_token" must be a non-empty string/,
      });
      await cred.close();
    });
  }

  test("expires_in that is not a number is refused", async () => {
    const cred = credential();
    fake.faults.push({
      kind: "status",
      status: 200,
      body: '{"token_type":"Bearer","expires_in":"soon","access_token":"abc"}',
    });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_RESPONSE_INVALID",
      message: /"expires_in" must be a number of seconds from 0 to 31536000/,
    });
    await cred.close();
  });
});

describe("ClientSecretCredential: transport faults", () => {
  test("a server that never answers times out, is retried, then fails with ERR_TIMEOUT", async () => {
    const cred = credential({ retryOptions: { maxRetries: 1, retryDelayInMs: 5 } });
    fake.faults.push({ kind: "hang" }, { kind: "hang" });
    const started = Date.now();
    await rejectsWith(cred.getToken(SCOPE, { requestOptions: { timeout: 200 } }), {
      class: AuthenticationError,
      code: "ERR_TIMEOUT",
      message: /no complete response from 127\.0\.0\.1:\d+ within 200 ms/,
    });
    assert.equal(fake.tokenRequests.length, 2);
    assert.ok(Date.now() - started >= 400);
    await cred.close();
  });

  test("regression: a requestOptions.timeout of 2^31 ms or Infinity no longer times out at once", async () => {
    const cred = credential({ retryOptions: { maxRetries: 0 } });
    for (const timeout of [2 ** 31, Number.POSITIVE_INFINITY]) {
      fake.faults.push({ kind: "delay", ms: 50 });
      const token = await cred.getToken(SCOPE, { requestOptions: { timeout }, claims: "{}" });
      assert.equal(token.token, fake.issuedTokens.at(-1));
    }
    await cred.close();
  });

  test("a negative or NaN requestOptions.timeout is refused naming it; nothing is sent", async () => {
    const cred = credential();
    for (const timeout of [-1, Number.NaN]) {
      await rejectsWith(cred.getToken(SCOPE, { requestOptions: { timeout } }), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /^ClientSecretCredential: "requestOptions\.timeout" must be a positive number/,
      });
    }
    assert.equal(fake.requests.length, 0);
    await cred.close();
  });

  test("regression: NaN, Infinity or a string in retryOptions were taken silently (no retry, endless retries, a 1 ms wait); now refused naming the field", () => {
    const cases: [unknown, string, RegExp][] = [
      [
        { maxRetries: Number.NaN },
        "ERR_INVALID_ARG_VALUE",
        /"retryOptions\.maxRetries" must be a finite number/,
      ],
      [
        { maxRetries: Infinity },
        "ERR_INVALID_ARG_VALUE",
        /"retryOptions\.maxRetries" must be a finite number/,
      ],
      [{ retryDelayInMs: Infinity }, "ERR_INVALID_ARG_VALUE", /"retryOptions\.retryDelayInMs"/],
      [{ maxRetryDelayInMs: "5" }, "ERR_INVALID_ARG_TYPE", /"retryOptions\.maxRetryDelayInMs"/],
      [null, "ERR_INVALID_ARG_TYPE", /"retryOptions" must be an object/],
    ];
    for (const [retryOptions, code, message] of cases)
      throwsWith(() => credential({ retryOptions } as Record<string, unknown>), {
        class: InvalidArgumentError,
        code,
        message: new RegExp(`^ClientSecretCredential: ${message.source}`),
      });
    // Negative counts stay 0, as in @azure/core-rest-pipeline.
    assert.doesNotThrow(() => credential({ retryOptions: { maxRetries: -1 } }));
  });

  test("abortSignal aborts at once", async () => {
    const cred = credential();
    fake.faults.push({ kind: "hang" });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await rejectsWith(cred.getToken(SCOPE, { abortSignal: controller.signal }), {
      class: AbortError,
      name: "AbortError",
      code: "ERR_ABORTED",
      message: /ClientSecretCredential: the operation was aborted/,
    });
    assert.ok(Date.now() - started < 1000);
    await cred.close();
  });

  test("an already-aborted signal makes no request", async () => {
    const cred = credential();
    await rejectsWith(cred.getToken(SCOPE, { abortSignal: AbortSignal.abort() }), {
      class: AbortError,
      code: "ERR_ABORTED",
      message: /aborted/,
    });
    assert.equal(fake.requests.length, 0);
    await cred.close();
  });

  test("connection refused on a loopback address: ERR_NETWORK at once, no retry (nothing listens on this host)", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const lines: string[] = [];
    const cred = credential({
      authorityHost: `https://127.0.0.1:${port}`,
      retryOptions: { retryDelayInMs: 2000 },
      loggingOptions: { logLevel: "verbose", logger: (_level, line) => lines.push(line) },
    });
    const started = performance.now();
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_NETWORK",
      message: /could not reach 127\.0\.0\.1:\d+: ECONNREFUSED/,
    });
    assert.ok(performance.now() - started < 1500, "no back-off (at least 1600 ms) was waited");
    assert.deepEqual(
      lines.filter((line) => line.includes("retry")),
      [],
    );
    await cred.close();
  });

  test("an untrusted server certificate was retried 4 times as a network failure: now one attempt, ERR_TLS_CERTIFICATE and a hint", async () => {
    const cred = credential({ tlsOptions: undefined });
    const before = fake.connections;
    const started = performance.now();
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_TLS_CERTIFICATE",
      message:
        /^ClientSecretCredential: the TLS certificate of 127\.0\.0\.1:\d+ was not accepted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\. If a private CA or a TLS-inspecting proxy signs it, trust that CA with tlsOptions\.ca or NODE_EXTRA_CA_CERTS\./,
    });
    assert.equal(fake.connections - before, 1, "one connection attempt, no retry");
    assert.ok(performance.now() - started < 1000);
    assert.equal(fake.requests.length, 0);
    await cred.close();
  });

  test("a certificate for another host was retried as a network failure: now one attempt, ERR_TLS_CERTIFICATE", async () => {
    const elsewhere = await FakeEntra.start("127.0.0.2");
    try {
      const cred = credential({ authorityHost: elsewhere.url });
      await rejectsWith(cred.getToken(SCOPE), {
        class: AuthenticationError,
        code: "ERR_TLS_CERTIFICATE",
        message:
          /^ClientSecretCredential: the TLS certificate of 127\.0\.0\.2:\d+ was not accepted \(ERR_TLS_CERT_ALTNAME_INVALID\)\. .*tlsOptions\.ca/,
      });
      assert.equal(elsewhere.connections, 1, "one connection attempt, no retry");
      assert.deepEqual([...elsewhere.requests, ...elsewhere.unexpected], []);
      await cred.close();
    } finally {
      await elsewhere.close();
    }
  });

  test("a connection reset mid-request is retried", async () => {
    const cred = credential();
    fake.faults.push({ kind: "reset" });
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, fake.issuedTokens.at(-1));
    assert.equal(fake.tokenRequests.length, 2);
    await cred.close();
  });

  test("429 with Retry-After waits, then succeeds", async () => {
    const cred = credential();
    fake.faults.push({
      kind: "status",
      status: 429,
      body: '{"error":"temporarily_unavailable"}',
      headers: { "Retry-After": "1" },
    });
    const started = Date.now();
    const token = await cred.getToken(SCOPE);
    assert.ok(Date.now() - started >= 950, "Retry-After honoured");
    assert.equal(fake.tokenRequests.length, 2);
    assert.equal(token.token, fake.issuedTokens.at(-1));
    await cred.close();
  });

  test("500 three times ends in an error carrying the status", async () => {
    const cred = credential({ retryOptions: { maxRetries: 2, retryDelayInMs: 5 } });
    for (let i = 0; i < 3; i++)
      fake.faults.push({
        kind: "status",
        status: 500,
        body: "Internal Server Error",
        contentType: "text/plain",
      });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_HTTP_STATUS",
      message:
        /failed without an OAuth error body \(HTTP 500, content-type text\/plain, body starting "Internal Server Error"\)/,
    });
    assert.equal((error as AuthenticationError).statusCode, 500);
    assert.equal(fake.tokenRequests.length, 3);
    await cred.close();
  });

  test("a 302 is not followed", async () => {
    const cred = credential();
    fake.faults.push({ kind: "redirect", location: "https://attacker.example/steal?code=abc" });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_REDIRECT_REFUSED",
      message: /answered HTTP 302 \(a redirect\); redirects are not followed/,
    });
    assert.equal((error as AuthenticationError).statusCode, 302);
    assert.ok(!error.message.includes("attacker"));
    assert.equal(fake.requests.length, 1);
    await cred.close();
  });
});

describe("ClientSecretCredential: bad arguments", () => {
  for (const [what, prefix] of [
    ["CR/LF", "my-app/1.0\r\nX-Injected: 1"],
    ["a character beyond Latin-1", "my-app/1.0 \u2013 beta"],
  ] as const) {
    test(`a userAgentPrefix with ${what} made every request fail: refused at construction`, () => {
      const error = throwsWith(
        () => credential({ userAgentOptions: { userAgentPrefix: prefix } }),
        {
          class: InvalidArgumentError,
          code: "ERR_INVALID_ARG_VALUE",
          message:
            /^ClientSecretCredential: "userAgentOptions\.userAgentPrefix" holds a line break, a control character or a character beyond Latin-1/,
        },
      );
      assertNoSecret(error, prefix);
    });
  }

  test("an http:// authority is refused at construction", () => {
    throwsWith(() => credential({ authorityHost: "http://login.microsoftonline.com" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /^ClientSecretCredential: "authorityHost" must use https; got http:/,
    });
  });

  test("AZURE_AUTHORITY_HOST over http is refused too", () => {
    throwsWith(
      () =>
        new ClientSecretCredential(TENANT, CLIENT, SECRET, {
          env: { AZURE_AUTHORITY_HOST: "http://127.0.0.1:1" },
        } as ClientSecretCredentialOptions),
      { class: InvalidArgumentError, code: "ERR_INVALID_ARG_VALUE", message: /must use https/ },
    );
  });

  for (const tenant of ["bad tenant!", "", "../evil", "a/b"]) {
    test(`tenant id ${JSON.stringify(tenant)} is refused at construction`, () => {
      const error = throwsWith(() => new ClientSecretCredential(tenant, CLIENT, SECRET), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /^ClientSecretCredential: "tenantId"/,
      });
      assert.ok(error instanceof TypeError);
    });
  }

  test("tenant common cannot issue app tokens", () => {
    throwsWith(() => new ClientSecretCredential("common", CLIENT, SECRET), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"common" cannot issue application tokens/,
    });
  });

  test("missing client id or secret is refused, naming the argument only", () => {
    throwsWith(() => new ClientSecretCredential(TENANT, "", SECRET), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"clientId" is required/,
    });
    throwsWith(() => new ClientSecretCredential(TENANT, CLIENT, undefined as unknown as string), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"clientSecret" is required/,
    });
  });

  test("a tenant outside additionallyAllowedTenants is unavailable, with the fix in the message", async () => {
    const cred = credential();
    await rejectsWith(cred.getToken(SCOPE, { tenantId: "someone-else" }), {
      class: CredentialUnavailableError,
      name: "CredentialUnavailableError",
      code: "ERR_TENANT_NOT_ALLOWED",
      message:
        /not configured to acquire tokens for tenant someone-else.*additionallyAllowedTenants/,
    });
    assert.equal(fake.requests.length, 0);
    await cred.close();
  });

  test("a malformed per-call tenant is refused", async () => {
    const cred = credential({ additionallyAllowedTenants: ["*"] });
    await rejectsWith(cred.getToken(SCOPE, { tenantId: "x/../y" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"options.tenantId"/,
    });
    await cred.close();
  });

  for (const tenant of [".", ".."]) {
    test(`tenant "${tenant}" was accepted and URL normalisation posted to another path: refused in the constructor and per call`, async () => {
      throwsWith(() => new ClientSecretCredential(tenant, CLIENT, SECRET), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /"tenantId" must be a tenant id .*not "\." or "\.\."/,
      });
      const cred = credential({ additionallyAllowedTenants: ["*"] });
      await rejectsWith(cred.getToken(SCOPE, { tenantId: tenant }), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /"options.tenantId" must be a tenant id .*not "\." or "\.\."/,
      });
      assert.equal(fake.requests.length, 0);
      await cred.close();
    });
  }

  for (const scopes of [[], "", [""], ["has space/.default"]] as Array<string | string[]>) {
    test(`scopes ${JSON.stringify(scopes)} are refused before any request`, async () => {
      const cred = credential();
      await rejectsWith(cred.getToken(scopes), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /^ClientSecretCredential: "scopes/,
      });
      assert.equal(fake.requests.length, 0);
      await cred.close();
    });
  }

  test("claims that are not a JSON object are refused", async () => {
    const cred = credential();
    await rejectsWith(cred.getToken(SCOPE, { claims: "not json" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"options.claims" must be a JSON object/,
    });
    await cred.close();
  });
});

describe("ClientSecretCredential: instance discovery", () => {
  test("an unknown host is validated once per process, then costs one request per token", async () => {
    const options = { disableInstanceDiscovery: false, instanceDiscoveryHost: fake.url };
    const cred = credential(options);
    await cred.getToken(SCOPE);
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.path}`),
      ["GET /common/discovery/instance", `POST /${TENANT}/oauth2/v2.0/token`],
    );
    assert.deepEqual(fake.requests[0]!.query, {
      "api-version": "1.1",
      authorization_endpoint: `${fake.url}/${TENANT}/oauth2/v2.0/authorize`,
    });
    const again = credential(options);
    await again.getToken("https://storage.azure.com/.default");
    assert.equal(fake.requests.length, 3);
    await cred.close();
    await again.close();
  });

  test("a host Entra does not recognise is refused with ERR_UNTRUSTED_AUTHORITY", async () => {
    const other = await FakeEntra.start();
    other.trustedHosts.clear();
    const cred = new ClientSecretCredential(TENANT, CLIENT, SECRET, {
      authorityHost: other.url,
      tlsOptions: TEST_TLS,
      instanceDiscoveryHost: other.url,
    } as ClientSecretCredentialOptions);
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_UNTRUSTED_AUTHORITY",
      message:
        /is not one Entra recognises \(instance discovery answered invalid_instance\).*disableInstanceDiscovery/,
    });
    assert.equal(other.tokenRequests.length, 0);
    await cred.close();
    await other.close();
  });
});
