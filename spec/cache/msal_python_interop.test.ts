import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseMsalCache } from "../../lib/cache/msal_cache_format.js";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS } from "../support/fixtures.js";
import { CacheSandbox } from "./cache_sandbox.js";
import { secretServiceRoute } from "../../lib/cache/protection/secret_service.js";
import { findTool, startSecretService, SYSTEM_PATH } from "./real_tools.js";
import {
  DeviceCodeCredential,
  SharedTokenCacheCredential,
  cachePersistencePlugin,
  useIdentityPlugin,
} from "../support/package.js";

useIdentityPlugin(cachePersistencePlugin);

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const PUBLIC_APP = "de71ce00-0000-4000-8000-0000000c0de0";
const OID = "00000000-0000-4000-8000-0000000000ad";
const SCOPE = "https://management.azure.com/user_impersonation";
const OTHER_SCOPE = "https://graph.microsoft.com/User.Read";
const SCRIPT = new URL("../../../fixtures/msal-cache/msal_python_interop.py", import.meta.url)
  .pathname;

let fake: FakeEntra;
let box: CacheSandbox;

/** Why MSAL Python cannot run here, or undefined when it can. */
function pythonUnavailable(): string | undefined {
  if (!existsPython()) return "/usr/bin/python3 is not installed";
  const probe = spawnSync(
    "unshare",
    ["-n", "/usr/bin/python3", "-c", "import msal, msal_extensions"],
    { env: { PATH: SYSTEM_PATH }, encoding: "utf8" },
  );
  if (probe.error || probe.status !== 0)
    return `Debian's python3-msal/python3-msal-extensions cannot run in a network namespace (unshare -n): ${(probe.stderr || String(probe.error)).trim().split("\n").at(-1)}`;
  return undefined;
}

function existsPython(): boolean {
  return findTool("unshare") !== undefined && spawnSync("/usr/bin/python3", ["-V"]).status === 0;
}

/** Runs the MSAL Python script in a loopback-only network namespace. */
function python(order: Record<string, unknown>): any {
  const result = spawnSync("unshare", ["-n", "/usr/bin/python3", SCRIPT], {
    input: JSON.stringify({ path: join(box.cacheDir, "msal.cache.nocae"), ...order }),
    env: { HOME: box.home, PATH: SYSTEM_PATH, PYTHONNOUSERSITE: "1" },
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: PUBLIC_APP, tenantId: TENANT, publicClient: true });
  fake.users.user.homeTenantId = TENANT;
  box = new CacheSandbox();
});
after(async () => {
  box.dispose();
  await fake.close();
});

describe("interoperability with MSAL Python + msal-extensions (Debian packages, real)", () => {
  test("a cache written by MSAL Python is read by us, ours by MSAL Python, under the same lock file", async (t) => {
    const why = pythonUnavailable();
    if (why) return t.skip(why);
    fake.users.refreshTokens.set("python-refresh-token", {
      clientId: PUBLIC_APP,
      live: true,
      user: fake.users.user,
    });
    python({
      action: "write",
      client_id: PUBLIC_APP,
      scopes: [SCOPE],
      token_endpoint: `https://127.0.0.1/${TENANT}/oauth2/v2.0/token`,
      access_token: "python-access-token",
      refresh_token: "python-refresh-token",
      oid: OID,
      tenant: TENANT,
      username: "ada@contoso.example",
    });
    const written = readFileSync(join(box.cacheDir, "msal.cache.nocae"), "utf8");
    assert.ok(parseMsalCache(written).AccessToken, "MSAL Python's file parses");

    const record = {
      authority: new URL(fake.url).host,
      homeAccountId: `${OID}.${TENANT}`,
      clientId: PUBLIC_APP,
      tenantId: TENANT,
      username: "ada@contoso.example",
    };
    const cred = new DeviceCodeCredential({
      tenantId: TENANT,
      clientId: PUBLIC_APP,
      authorityHost: fake.url,
      disableInstanceDiscovery: true,
      tlsOptions: TEST_TLS,
      env: { HOME: box.home, PATH: box.nodeOnly },
      authenticationRecord: record,
      disableAutomaticAuthentication: true,
      tokenCachePersistenceOptions: { enabled: true, unsafeAllowUnencryptedStorage: true },
    } as ConstructorParameters<typeof DeviceCodeCredential>[0]);
    assert.equal((await cred.getToken(SCOPE)).token, "python-access-token");
    assert.equal(fake.requests.length, 0, "MSAL Python's access token was served");
    const other = await cred.getToken(OTHER_SCOPE);
    assert.deepEqual(
      fake.requests.map((r) => [r.form.grant_type, r.form.refresh_token]),
      [["refresh_token", "python-refresh-token"]],
    );

    const shared = new SharedTokenCacheCredential({
      clientId: PUBLIC_APP,
      authorityHost: fake.url,
      disableInstanceDiscovery: true,
      tlsOptions: TEST_TLS,
      env: { HOME: box.home, PATH: box.nodeOnly },
    } as ConstructorParameters<typeof SharedTokenCacheCredential>[0]);
    assert.equal((await shared.getToken(SCOPE)).token, "python-access-token");

    const seen = python({ action: "read", client_id: PUBLIC_APP, scopes: [OTHER_SCOPE] });
    assert.deepEqual(seen.access_tokens, [other.token], "MSAL Python finds the token we wrote");
    assert.equal(seen.refresh_tokens.length, 1);
    assert.notEqual(seen.refresh_tokens[0], "python-refresh-token", "the rotated one");
    assert.deepEqual(seen.accounts, [[`${OID}.${TENANT}`, "ada@contoso.example"]]);

    python({
      action: "write",
      client_id: PUBLIC_APP,
      scopes: ["https://storage.azure.com/user_impersonation"],
      token_endpoint: `https://127.0.0.1/${TENANT}/oauth2/v2.0/token`,
      access_token: "python-second-token",
      refresh_token: "python-refresh-token-2",
      oid: OID,
      tenant: TENANT,
      username: "ada@contoso.example",
    });
    const merged = parseMsalCache(readFileSync(join(box.cacheDir, "msal.cache.nocae"), "utf8"));
    const secrets = Object.values(merged.AccessToken).map((e) => e.secret);
    assert.deepEqual(
      secrets.sort(),
      ["python-access-token", "python-second-token", other.token].sort(),
      "MSAL Python kept our entries on its rewrite",
    );
    await cred.close();
  });
});

describe("interoperability with msal-extensions' LibsecretPersistence (real Secret Service)", () => {
  test("the item we store is what LibsecretPersistence loads for azure-identity, and back", async (t) => {
    const why = pythonUnavailable();
    if (why) return t.skip(why);
    const gi = spawnSync("/usr/bin/python3", [
      "-c",
      "import gi; gi.require_version('Secret', '1'); from gi.repository import Secret",
    ]);
    if (gi.status !== 0)
      return t.skip("python3-gi with libsecret's introspection data is not installed");
    const service = await startSecretService(box.home);
    if (typeof service === "string") return t.skip(service);
    try {
      const env = { HOME: box.home, PATH: SYSTEM_PATH, DBUS_SESSION_BUS_ADDRESS: service.address };
      const fileName = "msal.cache.nocae";
      const route = secretServiceRoute({
        fileName,
        filePath: join(box.cacheDir, fileName),
        env,
        platform: "linux",
      });
      await route.save('{"AccessToken": {"k": {"secret": "written-by-entra-zero"}}}');
      // As azure-identity's _get_persistence builds it on Linux.
      const script = [
        "import os, msal_extensions",
        "p = msal_extensions.LibsecretPersistence(os.path.expanduser('~/.IdentityService/msal.cache.nocae'), 'msal.cache.nocae', {'MsalClientID': 'Microsoft.Developer.IdentityService'}, label='MSALCache')",
        "print(p.load())",
        'p.save(\'{"AccessToken": {"k": {"secret": "written-by-msal-extensions"}}}\')',
      ].join("\n");
      const result = spawnSync("unshare", ["-n", "/usr/bin/python3", "-c", script], {
        env: { ...env, PYTHONNOUSERSITE: "1" },
        encoding: "utf8",
        timeout: 30_000,
      });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /written-by-entra-zero/);
      assert.match(String(await route.load()), /written-by-msal-extensions/);
    } finally {
      service.stop();
    }
  });
});
