import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { parseMsalCache } from "../../lib/cache/msal_cache_format.js";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS } from "../support/fixtures.js";
import { rejectsWith } from "../support/assert_error.js";
import { CacheSandbox } from "../cache/cache_sandbox.js";
import {
  CredentialUnavailableError,
  DefaultAzureCredential,
  SharedTokenCacheCredential,
  type SharedTokenCacheCredentialOptions,
  cachePersistencePlugin,
  useIdentityPlugin,
} from "../support/package.js";

useIdentityPlugin(cachePersistencePlugin);

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const DEVELOPER_APP = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const OTHER_APP = "872cd9fa-d31f-45e0-9eab-6e460a02d1f1";
const SCOPE = "https://management.azure.com/.default";
const OID = "00000000-0000-4000-8000-0000000000ad";

let fake: FakeEntra;
let box: CacheSandbox;

/** A cache as MSAL Python writes it after `az login`-like sign-ins. */
function msalPythonCache(
  accounts: Array<{
    oid: string;
    tenant: string;
    username: string;
    rt?: string;
    familyId?: string;
    clientId?: string;
  }>,
) {
  const cache: Record<string, Record<string, unknown>> = {
    AccessToken: {},
    RefreshToken: {},
    IdToken: {},
    Account: {},
    AppMetadata: {},
  };
  for (const a of accounts) {
    const home = `${a.oid}.${a.tenant}`;
    const env = "127.0.0.1";
    const clientId = a.clientId ?? DEVELOPER_APP;
    cache.Account![`${home}-${env}-${a.tenant}`] = {
      home_account_id: home,
      environment: env,
      realm: a.tenant,
      local_account_id: a.oid,
      username: a.username,
      authority_type: "MSSTS",
    };
    if (a.rt)
      cache.RefreshToken![`${home}-${env}-refreshtoken-${clientId}--`] = {
        credential_type: "RefreshToken",
        secret: a.rt,
        home_account_id: home,
        environment: env,
        client_id: clientId,
        target: "https://management.core.windows.net//user_impersonation",
        last_modification_time: "1700000000",
        x_written_by: "another MSAL",
        ...(a.familyId ? { family_id: a.familyId } : {}),
      };
  }
  return cache;
}

function writeShared(cache: unknown, name = "msal.cache.nocae"): string {
  mkdirSync(box.cacheDir, { recursive: true, mode: 0o700 });
  const path = join(box.cacheDir, name);
  writeFileSync(path, JSON.stringify(cache, null, 4), { mode: 0o600 });
  return path;
}

function credential(options: SharedTokenCacheCredentialOptions & Record<string, unknown> = {}) {
  return new SharedTokenCacheCredential({
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { maxRetries: 0 },
    env: box.fakeEnv(),
    ...options,
  } as SharedTokenCacheCredentialOptions);
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: DEVELOPER_APP, tenantId: TENANT, publicClient: true });
  fake.users.user.homeTenantId = TENANT;
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  box = new CacheSandbox();
});
afterEach(() => box.dispose());

describe("SharedTokenCacheCredential", () => {
  test("redeems a family refresh token from an MSAL-format file the test wrote, writes the rotated one back, then serves from the cache", async () => {
    fake.users.refreshTokens.set("rt-from-msal-python", {
      clientId: DEVELOPER_APP,
      live: true,
      user: fake.users.user,
    });
    const path = writeShared(
      msalPythonCache([
        {
          oid: OID,
          tenant: TENANT,
          username: "ada@contoso.example",
          rt: "rt-from-msal-python",
          familyId: "1",
        },
      ]),
    );
    const token = await credential().getToken(SCOPE);
    assert.ok(token.token);
    assert.equal(fake.requests.length, 1);
    const request = fake.requests[0]!;
    assert.equal(request.path, "/organizations/oauth2/v2.0/token");
    assert.equal(request.form.grant_type, "refresh_token");
    assert.equal(request.form.client_id, DEVELOPER_APP);
    assert.equal(request.form.refresh_token, "rt-from-msal-python");
    const cache = parseMsalCache(readFileSync(path, "utf8"));
    const rts = Object.values(cache.RefreshToken);
    assert.equal(rts.length, 1);
    assert.notEqual(
      rts[0]!.secret,
      "rt-from-msal-python",
      "the rotated refresh token replaced the old",
    );
    assert.equal(rts[0]!.family_id, "1");
    assert.equal(rts[0]!.x_written_by, "another MSAL", "unknown fields kept");
    assert.equal(Object.keys(cache.AccessToken).length, 1);
    fake.requests.length = 0;
    const again = await credential().getToken(SCOPE);
    assert.equal(again.token, token.token);
    assert.equal(fake.requests.length, 0);
  });

  test("one credential keeps the token in memory: concurrent calls share one redemption, and the file is not read again", async () => {
    fake.users.refreshTokens.set("rt-memory", {
      clientId: DEVELOPER_APP,
      live: true,
      user: fake.users.user,
    });
    const path = writeShared(
      msalPythonCache([
        { oid: OID, tenant: TENANT, username: "ada@contoso.example", rt: "rt-memory" },
      ]),
    );
    const shared = credential();
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => shared.getToken(SCOPE)));
    assert.equal(new Set(tokens.map((t) => t.token)).size, 1);
    assert.equal(fake.requests.length, 1);
    rmSync(path);
    assert.equal((await shared.getToken(SCOPE)).token, tokens[0]!.token);
    assert.equal(fake.requests.length, 1);
  });

  test("no cache file: unavailable at once, nothing spawned, no request", async () => {
    const started = Date.now();
    await rejectsWith(credential().getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_CREDENTIAL_UNAVAILABLE",
      message:
        /^SharedTokenCacheCredential: authentication unavailable\. No shared token cache was found at .*msal\.cache\[\.nocae\].*AzureCliCredential/,
    });
    assert.ok(Date.now() - started < 1000);
    assert.ok(!existsSync(join(box.fakeState, "argv.log")), "no OS tool was started");
    assert.equal(fake.requests.length, 0);
  });

  test("no account, several accounts, no match, several matches: messages say how to choose", async () => {
    writeShared(msalPythonCache([]));
    await rejectsWith(credential().getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_SHARED_CACHE_ACCOUNT",
      message: /No accounts were found in the cache/,
    });
    const two = [
      { oid: OID, tenant: TENANT, username: "ada@contoso.example", rt: "rt-a", familyId: "1" },
      {
        oid: "11111111-0000-4000-8000-000000000001",
        tenant: "22222222-0000-4000-8000-000000000002",
        username: "ada@contoso.example",
        rt: "rt-b",
        familyId: "1",
      },
    ];
    writeShared(msalPythonCache(two));
    await rejectsWith(credential().getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_SHARED_CACHE_ACCOUNT",
      message:
        /Multiple accounts were found in the cache\. Use username and tenant id to disambiguate\. Set AZURE_USERNAME .*AZURE_TENANT_ID/,
    });
    await rejectsWith(credential({ username: "bob@contoso.example" }).getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_SHARED_CACHE_ACCOUNT",
      message:
        /No account matching the specified username: bob@contoso\.example tenant:  was found in the cache/,
    });
    await rejectsWith(credential({ username: "ada@contoso.example" }).getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_SHARED_CACHE_ACCOUNT",
      message:
        /Multiple accounts matching the specified username: ada@contoso\.example tenant:  were found/,
    });
    fake.users.refreshTokens.set("rt-a", {
      clientId: DEVELOPER_APP,
      live: true,
      user: fake.users.user,
    });
    const chosen = await credential({
      env: box.fakeEnv("ok", { AZURE_USERNAME: "ada@contoso.example" }),
      tenantId: TENANT,
    }).getToken(SCOPE);
    assert.ok(chosen.token);
    assert.equal(fake.requests.at(-1)!.form.refresh_token, "rt-a");
    assert.equal(fake.requests.at(-1)!.path, `/${TENANT}/oauth2/v2.0/token`);
  });

  test("a refresh token refused with invalid_grant is removed; DefaultAzureCredential moves on", async () => {
    fake.users.refreshTokens.set("rt-revoked", {
      clientId: DEVELOPER_APP,
      live: false,
      user: fake.users.user,
    });
    const path = writeShared(
      msalPythonCache([
        {
          oid: OID,
          tenant: TENANT,
          username: "ada@contoso.example",
          rt: "rt-revoked",
          familyId: "1",
        },
      ]),
    );
    await rejectsWith(credential().getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_AUTHENTICATION_REQUIRED",
      message:
        /Token acquisition failed for user 'ada@contoso\.example'\. To fix, re-authenticate through developer tooling/,
    });
    assert.equal(Object.keys(parseMsalCache(readFileSync(path, "utf8")).RefreshToken).length, 0);
    writeShared(
      msalPythonCache([
        {
          oid: OID,
          tenant: TENANT,
          username: "ada@contoso.example",
          rt: "rt-revoked",
          familyId: "1",
        },
      ]),
    );
    const dac = new DefaultAzureCredential({
      authorityHost: fake.url,
      disableInstanceDiscovery: true,
      tlsOptions: TEST_TLS,
      env: { HOME: box.home, PATH: box.nodeOnly },
      imdsHost: "http://127.0.0.1:9",
    } as ConstructorParameters<typeof DefaultAzureCredential>[0]);
    const error = await dac.getToken(SCOPE).catch((e: unknown) => e as Error);
    assert.match(
      String((error as Error).message),
      /SharedTokenCacheCredential: Token acquisition failed[\s\S]*AzureCliCredential/,
    );
    await dac.close();
  });

  test("an account whose refresh token belongs to another application without a family is not a candidate", async () => {
    writeShared(
      msalPythonCache([
        {
          oid: OID,
          tenant: TENANT,
          username: "ada@contoso.example",
          rt: "rt-x",
          clientId: OTHER_APP,
        },
      ]),
    );
    await rejectsWith(credential().getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_SHARED_CACHE_ACCOUNT",
      message: /No accounts were found/,
    });
  });

  test("reads a cache shaped as msal-node writes it (fixture)", async () => {
    const fixture = readFileSync(
      new URL("../../../fixtures/msal-cache/msal-node.json", import.meta.url),
      "utf8",
    );
    fake.users.refreshTokens.set("msal-node-refresh-token", {
      clientId: DEVELOPER_APP,
      live: true,
      user: fake.users.user,
    });
    writeShared(JSON.parse(fixture));
    const token = await credential({ username: "ada@contoso.example" }).getToken(SCOPE);
    assert.equal(token.token, "msal-node-access-token", "the valid cached access token is served");
    assert.equal(fake.requests.length, 0);
    const other = await credential({ username: "ada@contoso.example" }).getToken(
      "https://graph.microsoft.com/.default",
    );
    assert.ok(other.token);
    assert.equal(fake.requests[0]!.form.refresh_token, "msal-node-refresh-token");
  });
});
