import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { PersistentCache } from "../../lib/cache/persistent_cache.js";
import { parseMsalCache } from "../../lib/cache/msal_cache_format.js";
import { TokenCacheError } from "../../lib/errors.js";
import type { LogLevel } from "../../lib/types.js";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_CA, TEST_TLS } from "../support/fixtures.js";
import { CacheSandbox, runChild } from "./cache_sandbox.js";
import {
  ClientSecretCredential,
  DeviceCodeCredential,
  cachePersistencePlugin,
  useIdentityPlugin,
} from "../support/package.js";

useIdentityPlugin(cachePersistencePlugin);

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "0b7c5e1a-0000-4000-8000-00000000c11e";
const PUBLIC_APP = "de71ce00-0000-4000-8000-0000000c0de0";
const SECRET = "s3cr3t~Persist.Value_0123456789";
const SCOPE = "https://vault.azure.net/.default";
const USER_SCOPE = "https://management.azure.com/user_impersonation";
const UNSAFE = { enabled: true, unsafeAllowUnencryptedStorage: true };

let fake: FakeEntra;
let box: CacheSandbox;

const tokenRequests = () => fake.requests.filter((r) => r.path.endsWith("/token"));
const cacheFile = () => join(box.cacheDir, "msal.cache.nocae");
const readCache = () => parseMsalCache(readFileSync(cacheFile(), "utf8"));

function logs() {
  const lines: string[] = [];
  const loggingOptions = {
    logLevel: "verbose" as LogLevel,
    logger: (level: LogLevel, message: string) => lines.push(`${level} ${message}`),
  };
  return { lines, loggingOptions };
}

function secretCredential(extra: Record<string, unknown> = {}): ClientSecretCredential {
  return new ClientSecretCredential(TENANT, CLIENT, SECRET, {
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { maxRetries: 0 },
    env: box.env(),
    tokenCachePersistenceOptions: UNSAFE,
    ...extra,
  } as ConstructorParameters<typeof ClientSecretCredential>[3]);
}

function childOrder(action: string, extra: Record<string, unknown> = {}) {
  return {
    action,
    authorityHost: fake.url,
    ca: TEST_CA,
    env: box.env(),
    persistence: UNSAFE,
    tenantId: TENANT,
    clientId: CLIENT,
    secret: SECRET,
    scope: SCOPE,
    ...extra,
  };
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: CLIENT, tenantId: TENANT, secret: SECRET });
  fake.register({ clientId: PUBLIC_APP, tenantId: TENANT, publicClient: true });
  fake.users.user.homeTenantId = TENANT;
  fake.users.device = { interval: 0, expiresIn: 900 };
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  box?.dispose();
  box = new CacheSandbox();
});

describe("persistent cache: across processes", () => {
  test("a token acquired in one process is served in a new process with zero network requests; 0600 file in a 0700 directory", async () => {
    const first = await runChild(childOrder("client-secret"));
    assert.equal(first.error, undefined, JSON.stringify(first));
    assert.equal(tokenRequests().length, 1);
    fake.requests.length = 0;
    const second = await runChild(childOrder("client-secret"));
    assert.equal(second.error, undefined);
    assert.equal(second.result.token, first.result.token);
    assert.equal(fake.requests.length, 0, "the second process made no request at all");
    assert.equal(fake.connections > 0, true);
    assert.ok(second.lines.some((l) => /served from the persistent cache/.test(l)));
    assert.equal(statSync(box.cacheDir).mode & 0o777, 0o700);
    assert.equal(statSync(cacheFile()).mode & 0o777, 0o600);
    const cache = readCache();
    const [entry] = Object.values(cache.AccessToken);
    assert.equal(entry!.credential_type, "AccessToken");
    assert.equal(entry!.client_id, CLIENT);
    assert.equal(entry!.realm, TENANT);
    assert.equal(entry!.environment, "127.0.0.1");
    assert.equal(entry!.target, SCOPE);
    assert.match(String(entry!.expires_on), /^\d+$/);
    assert.equal(
      Object.keys(cache.AccessToken)[0],
      `-127.0.0.1-accesstoken-${CLIENT}-${TENANT}-${SCOPE}`.toLowerCase(),
    );
    assert.ok(!readFileSync(cacheFile(), "utf8").includes(SECRET), "no client secret in the cache");
    const logged = [...first.lines, ...second.lines].join("\n");
    assert.ok(!logged.includes(first.result.token) && !logged.includes(SECRET), "no secret logged");
  });

  test("DeviceCodeCredential with authenticationRecord signs in silently in a new process; a refused refresh token is removed", async () => {
    const cred = new DeviceCodeCredential({
      tenantId: TENANT,
      clientId: PUBLIC_APP,
      authorityHost: fake.url,
      disableInstanceDiscovery: true,
      tlsOptions: TEST_TLS,
      env: box.env(),
      tokenCachePersistenceOptions: UNSAFE,
      userPromptCallback: (info) => fake.users.completeDeviceSignIn(info.userCode),
      deviceCodePolling: { minIntervalMs: 10, slowDownStepMs: 50 },
    } as ConstructorParameters<typeof DeviceCodeCredential>[0]);
    const record = await cred.authenticate(USER_SCOPE);
    assert.ok(record);
    const cache = readCache();
    assert.equal(Object.keys(cache.RefreshToken).length, 1);
    assert.equal(Object.keys(cache.Account).length, 1);
    assert.equal(Object.values(cache.Account)[0]!.username, fake.users.user.username);
    fake.requests.length = 0;

    const order = { clientId: PUBLIC_APP, record, scope: USER_SCOPE };
    const same = await runChild(childOrder("device-code", order));
    assert.equal(same.error, undefined, JSON.stringify(same.error));
    assert.equal(fake.requests.length, 0, "the cached access token was served");

    const other = await runChild(
      childOrder("device-code", { ...order, scope: "https://graph.microsoft.com/User.Read" }),
    );
    assert.equal(other.error, undefined, JSON.stringify(other.error));
    assert.deepEqual(
      fake.requests.map((r) => r.form.grant_type),
      ["refresh_token"],
      "silently, with the persisted refresh token; no device code",
    );
    assert.equal(Object.keys(readCache().AccessToken).length, 2);

    fake.users.revokeRefreshTokens();
    fake.requests.length = 0;
    const refused = await runChild(
      childOrder("device-code", {
        ...order,
        scope: "https://storage.azure.com/user_impersonation",
      }),
    );
    assert.equal(refused.error?.name, "AuthenticationRequiredError");
    assert.equal(refused.error?.code, "ERR_AUTHENTICATION_REQUIRED");
    assert.match(refused.error!.message, /no token can be obtained silently/);
    assert.equal(
      Object.keys(readCache().RefreshToken).length,
      0,
      "the refused refresh token is gone",
    );
    await cred.close();
  });

  test("eight writer processes, fifty tokens each, at once: all 400 entries present, file never torn", async () => {
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, id) => runChild(childOrder("writer", { id, count: 50 }))),
    );
    for (const o of outcomes) assert.deepEqual(o.result, { stored: 50 }, JSON.stringify(o.error));
    const keys = Object.keys(readCache().AccessToken);
    assert.equal(keys.length, 400);
    for (let id = 0; id < 8; id++)
      for (let i = 0; i < 50; i++) assert.ok(keys.includes(`writer-${id}-${i}`));
    assert.ok(!existsSync(`${cacheFile()}.lockfile`), "the lock is released");
    console.log(`8 writers x 50 tokens: ${Date.now() - started} ms`);
  });
});

describe("persistent cache: damaged files and locks never fail getToken", () => {
  for (const [what, content] of [
    ["corrupt JSON", '{"AccessToken": {"a": '],
    ["a truncated file", '{"AccessToken": {}, "RefreshToken": {"k": {"secret": "x"'],
    ["a file of another format", "\x89PNG\r\n\x1a\n binary"],
    ["a JSON array", "[1, 2, 3]"],
  ] as const) {
    test(`${what} is ignored (verbose, with the reason) and replaced on the next write`, async () => {
      mkdirSync(box.cacheDir, { recursive: true, mode: 0o700 });
      writeFileSync(cacheFile(), content, { mode: 0o600 });
      const { lines, loggingOptions } = logs();
      const token = await secretCredential({ loggingOptions }).getToken(SCOPE);
      assert.ok(token.token);
      assert.ok(
        lines.some((l) =>
          /^verbose .*token cache: msal\.cache\.nocae is ignored .*not an MSAL token cache/.test(l),
        ),
        lines.join("\n"),
      );
      assert.equal(Object.keys(readCache().AccessToken).length, 1);
    });
  }

  test("a directory where the file should be: getToken works, one warning says why", async () => {
    mkdirSync(cacheFile(), { recursive: true });
    const { lines, loggingOptions } = logs();
    const token = await secretCredential({ loggingOptions }).getToken(SCOPE);
    assert.ok(token.token);
    assert.ok(
      lines.some((l) => /^warning .*token cache: msal\.cache\.nocae could not be updated/.test(l)),
    );
    assert.ok(
      lines.some((l) => /is a directory|EISDIR/.test(l)),
      lines.join("\n"),
    );
  });

  test("a cache file readable by others: warning, still used", async () => {
    await secretCredential().getToken(SCOPE);
    chmodSync(cacheFile(), 0o644);
    fake.requests.length = 0;
    const { lines, loggingOptions } = logs();
    await secretCredential({ loggingOptions }).getToken(SCOPE);
    assert.equal(fake.requests.length, 0);
    assert.ok(lines.some((l) => /^warning .*can be accessed by other users \(mode 644\)/.test(l)));
  });

  test("a lock held by a dead process is broken (warning) and never blocks getToken", async () => {
    mkdirSync(box.cacheDir, { recursive: true, mode: 0o700 });
    writeFileSync(`${cacheFile()}.lockfile`, "2147480000\n1\n");
    const { lines, loggingOptions } = logs();
    const started = Date.now();
    await secretCredential({ loggingOptions }).getToken(SCOPE);
    assert.ok(Date.now() - started < 3000);
    assert.ok(
      lines.some((l) =>
        /^warning .*token cache: broke the stale lock .*process 2147480000 is gone/.test(l),
      ),
    );
    assert.equal(Object.keys(readCache().AccessToken).length, 1);
  });

  test("a lock older than the bound is broken even when its process runs (msal-extensions' format)", async () => {
    mkdirSync(box.cacheDir, { recursive: true, mode: 0o700 });
    const lock = `${cacheFile()}.lockfile`;
    writeFileSync(lock, `${process.ppid} /usr/bin/python3`);
    const old = new Date(Date.now() - 60_000);
    (await import("node:fs")).utimesSync(lock, old, old);
    const { lines, loggingOptions } = logs();
    await secretCredential({ loggingOptions }).getToken(SCOPE);
    assert.ok(
      lines.some((l) => /broke the stale lock .*held for \d+ s/.test(l)),
      lines.join("\n"),
    );
  });

  test("a lock held by a live process past the wait bound: ERR_CACHE_LOCKED logged, no hang, tokens in memory", async () => {
    mkdirSync(box.cacheDir, { recursive: true, mode: 0o700 });
    writeFileSync(`${cacheFile()}.lockfile`, `${process.ppid}\n${Date.now()}\n`);
    const { lines, loggingOptions } = logs();
    const logger = {
      verbose: (m: string) => loggingOptions.logger("verbose", m),
      info: (m: string) => loggingOptions.logger("info", m),
      warning: (m: string) => loggingOptions.logger("warning", m),
      error: (m: string) => loggingOptions.logger("error", m),
      enabled: () => true,
    };
    const cache = new PersistentCache({
      context: {
        fileName: "msal.cache.nocae",
        filePath: cacheFile(),
        env: box.env(),
        platform: "linux",
      },
      allowUnencrypted: true,
      logger,
      routes: [],
      lock: { timeoutMs: 300 },
    });
    const started = Date.now();
    const stored = await cache.update(() => [
      { section: "AccessToken", key: "k", entry: { secret: "x" } },
    ]);
    assert.equal(stored, false);
    assert.ok(Date.now() - started < 2000);
    assert.ok(
      lines.some((l) =>
        /^warning .*token cache: msal\.cache\.nocae could not be updated, the tokens stay in memory: the lock file .* is held by a running process for more than 300 ms/.test(
          l,
        ),
      ),
      lines.join("\n"),
    );
  });

  test("CAE tokens go to <name>.cae, apart from the others", async () => {
    const cae = await secretCredential().getToken(SCOPE, { enableCae: true });
    const plain = await secretCredential().getToken(SCOPE);
    assert.notEqual(cae.token, plain.token);
    const caeFile = parseMsalCache(readFileSync(join(box.cacheDir, "msal.cache.cae"), "utf8"));
    assert.deepEqual(
      Object.values(caeFile.AccessToken).map((e) => e.secret),
      [cae.token],
    );
    assert.deepEqual(
      Object.values(readCache().AccessToken).map((e) => e.secret),
      [plain.token],
    );
  });

  test("unknown sections and fields written by another MSAL are kept on rewrite", async () => {
    mkdirSync(box.cacheDir, { recursive: true, mode: 0o700 });
    const foreign = {
      AccessToken: { other: { secret: "o", credential_type: "AccessToken", x_custom: "keep" } },
      Unknown: { anything: [1, 2] },
      AppMetadata: {},
    };
    writeFileSync(cacheFile(), JSON.stringify(foreign), { mode: 0o600 });
    await secretCredential().getToken(SCOPE);
    const cache = readCache();
    assert.deepEqual(cache.Unknown, { anything: [1, 2] });
    assert.equal(cache.AccessToken.other!.x_custom, "keep");
    assert.equal(Object.keys(cache.AccessToken).length, 2);
  });

  test("no protected route and no unsafeAllowUnencryptedStorage: tokens in memory, one warning naming the routes and the fix", async () => {
    const { lines, loggingOptions } = logs();
    const persistence = { enabled: true };
    await secretCredential({ loggingOptions, tokenCachePersistenceOptions: persistence }).getToken(
      SCOPE,
    );
    fake.requests.length = 0;
    await secretCredential({ tokenCachePersistenceOptions: persistence }).getToken(SCOPE);
    assert.equal(
      fake.requests.length,
      0,
      "another credential of this process shares the memory cache",
    );
    assert.ok(!existsSync(cacheFile()));
    const warnings = lines.filter((l) => l.startsWith("warning"));
    assert.equal(warnings.length, 1, lines.join("\n"));
    assert.match(warnings[0]!, /kept in memory only/);
    assert.match(warnings[0]!, /Secret Service \(secret-tool\): no D-Bus session/);
    assert.match(
      warnings[0]!,
      /Linux kernel keyring \(keyctl\) \+ AES-256-GCM file: keyctl is not installed/,
    );
    assert.match(warnings[0]!, /unsafeAllowUnencryptedStorage/);
    assert.ok(!lines.join("\n").includes(SECRET));
  });

  test("malformed tokenCachePersistenceOptions: InvalidArgumentError naming the field", () => {
    assert.throws(
      () => secretCredential({ tokenCachePersistenceOptions: { enabled: "yes" } }),
      (e: any) =>
        e.name === "TypeError" &&
        e.code === "ERR_INVALID_ARG_TYPE" &&
        /enabled must be a boolean/.test(e.message),
    );
    assert.throws(
      () => secretCredential({ tokenCachePersistenceOptions: { enabled: true, name: "../x" } }),
      (e: any) => e.code === "ERR_INVALID_ARG_VALUE" && /name must be a file name/.test(e.message),
    );
  });

  test("TokenCacheError carries a stable code", () => {
    const e = new TokenCacheError("ERR_CACHE_LOCKED", "held");
    assert.equal(e.name, "TokenCacheError");
    assert.equal(e.code, "ERR_CACHE_LOCKED");
  });
});
