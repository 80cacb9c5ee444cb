import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { kernelKeyringRoute } from "../../lib/cache/protection/kernel_keyring.js";
import { macosKeychainRoute } from "../../lib/cache/protection/macos_keychain.js";
import type { ProtectionRoute, RouteContext } from "../../lib/cache/protection/route.js";
import { secretServiceRoute } from "../../lib/cache/protection/secret_service.js";
import { forgetRouteChoices, selectRoute } from "../../lib/cache/protection/select.js";
import { windowsDpapiRoute } from "../../lib/cache/protection/windows_dpapi.js";
import { TokenCacheError } from "../../lib/errors.js";
import { rejectsWith } from "../support/assert_error.js";
import { CacheSandbox } from "./cache_sandbox.js";

const CACHE = JSON.stringify({ AccessToken: { k: { secret: "at-SeCrEt-VaLuE-42" } } }, null, 4);
let box: CacheSandbox;

function ctx(
  platform: NodeJS.Platform,
  mode = "ok",
  extra: NodeJS.ProcessEnv = {},
  timeoutMs = 5_000,
): RouteContext {
  const fileName = "msal.cache.nocae";
  return {
    fileName,
    filePath: join(box.cacheDir, fileName),
    env: box.fakeEnv(mode, extra),
    platform,
    timeoutMs,
  };
}

const argvLog = () => readFileSync(join(box.fakeState, "argv.log"), "utf8");

async function roundTrip(route: ProtectionRoute): Promise<void> {
  await route.probe();
  assert.equal(await route.load(), undefined, "nothing stored yet");
  await route.save(CACHE);
  assert.equal(await route.load(), CACHE);
  assert.ok(!argvLog().includes("SeCrEt"), "cache content never in argv");
}

beforeEach(() => {
  box = new CacheSandbox();
  forgetRouteChoices();
});
afterEach(() => box.dispose());

const unavailable = (message: RegExp) => ({
  class: TokenCacheError,
  code: "ERR_CACHE_UNAVAILABLE",
  message,
});
const failed = (message: RegExp) => ({
  class: TokenCacheError,
  code: "ERR_CACHE_PROTECTION",
  message,
});

describe("Secret Service route (fake secret-tool)", () => {
  const dbus = { DBUS_SESSION_BUS_ADDRESS: "unix:path=/fake" };
  test("stores the cache as msal-extensions does: schema, MsalClientID attribute, label MSALCache; secret on stdin", async () => {
    await roundTrip(secretServiceRoute(ctx("linux", "ok", dbus)));
    const stores = argvLog()
      .split("\n")
      .filter((l) => l.includes('"store"'))
      .map((l) => JSON.parse(l));
    assert.deepEqual(stores.at(-1), [
      "secret-tool",
      "store",
      "--label=MSALCache",
      "xdg:schema",
      "msal.cache.nocae",
      "MsalClientID",
      "Microsoft.Developer.IdentityService",
    ]);
    assert.ok(
      readFileSync(join(box.cacheDir, "msal.cache.nocae"), "utf8") === "",
      "the signal file is touched, empty",
    );
  });
  test("no D-Bus session, tool missing, failing, hanging, garbage", async () => {
    await rejectsWith(secretServiceRoute(ctx("linux")).probe(), unavailable(/no D-Bus session/));
    const missing = { ...ctx("linux", "ok", dbus), env: box.env(dbus) };
    await rejectsWith(
      secretServiceRoute(missing).probe(),
      unavailable(/secret-tool is not installed/),
    );
    await rejectsWith(
      secretServiceRoute(ctx("linux", "fail", dbus)).probe(),
      failed(/secret-tool store exited with 1: secret-tool: Cannot autolaunch D-Bus/),
    );
    const started = Date.now();
    await rejectsWith(
      secretServiceRoute(ctx("linux", "hang", dbus, 300)).load(),
      failed(/did not finish within 300 ms/),
    );
    assert.ok(Date.now() - started < 3_000);
    const route = secretServiceRoute(ctx("linux", "ok", dbus));
    await route.save(CACHE);
    assert.equal(
      await secretServiceRoute(ctx("linux", "garbage", dbus)).load(),
      "\u0000not json",
      "garbage is returned raw and then fails parsing upstream",
    );
  });
});

describe("kernel keyring route (fake keyctl)", () => {
  test("a 256-bit key added via stdin; the file is AES-256-GCM, holding no plaintext", async () => {
    await roundTrip(kernelKeyringRoute(ctx("linux")));
    const file = readFileSync(join(box.cacheDir, "msal.cache.nocae"));
    assert.equal(file.subarray(0, 4).toString(), "EZK1");
    assert.ok(!file.includes("SeCrEt"));
    assert.ok(!argvLog().match(/[0-9a-f]{64}/), "the key is never in argv");
    // Another process (a new route object) finds the same key.
    assert.equal(await kernelKeyringRoute(ctx("linux")).load(), CACHE);
  });
  test("keyrings refused (containers), garbage key, tampered file", async () => {
    await rejectsWith(
      kernelKeyringRoute(ctx("linux", "refuse")).probe(),
      failed(/keyctl search exited with 1: keyctl_search: Operation not permitted/),
    );
    await rejectsWith(
      kernelKeyringRoute(ctx("linux", "garbage")).probe(),
      failed(/something other than the 256-bit key/),
    );
    const route = kernelKeyringRoute(ctx("linux"));
    await route.save(CACHE);
    const path = join(box.cacheDir, "msal.cache.nocae");
    const data = readFileSync(path);
    data[data.length - 1]! ^= 1;
    (await import("node:fs")).writeFileSync(path, data);
    await rejectsWith(kernelKeyringRoute(ctx("linux")).load(), {
      class: TokenCacheError,
      code: "ERR_CACHE_FORMAT",
      message: /does not open with the keyring's key/,
    });
  });
});

describe("macOS Keychain route (fake security)", () => {
  test("service Microsoft.Developer.IdentityService, account MSALCache; the data goes as hex on stdin to security -i", async () => {
    const c = ctx("darwin");
    // On this Linux test machine the fake stands in for /usr/bin/security.
    const route = macosKeychainRoute({ ...c, platform: "linux" });
    await route.save(CACHE);
    assert.equal(await route.load(), CACHE);
    assert.ok(
      !argvLog().includes("SeCrEt") && !argvLog().includes(Buffer.from("SeCrEt").toString("hex")),
    );
    assert.match(
      argvLog(),
      /"find-generic-password","-s","Microsoft.Developer.IdentityService","-a","MSALCache","-w"/,
    );
    await rejectsWith(route.probe(), unavailable(/macOS only/));
    await rejectsWith(
      macosKeychainRoute({ ...ctx("darwin", "fail"), platform: "linux" }).load(),
      failed(/exited with 51: .*User interaction is not allowed/),
    );
  });
});

describe("Windows DPAPI route (fake PowerShell)", () => {
  test("the file holds the DPAPI blob; base64 goes through stdin and stdout", async () => {
    const route = windowsDpapiRoute(ctx("linux"), "pwsh-dpapi");
    await roundTrip(route);
    const file = readFileSync(join(box.cacheDir, "msal.cache.nocae"));
    assert.equal(file.subarray(0, 9).toString(), "FAKEDPAPI");
    assert.match(
      argvLog(),
      /ProtectedData\]::Protect\(\$in, \$null, \[Security\.Cryptography\.DataProtectionScope\]::CurrentUser\)/,
    );
    await rejectsWith(
      windowsDpapiRoute(ctx("linux", "fail"), "pwsh-dpapi").probe(),
      failed(/PowerShell DPAPI Protect exited with 1/),
    );
    await rejectsWith(
      windowsDpapiRoute(ctx("linux", "garbage"), "pwsh-dpapi").probe(),
      failed(/not base64/),
    );
  });
});

describe("route selection", () => {
  test("the first working route is chosen and logged at info once; failures are listed in the fallback warning", async () => {
    const lines: string[] = [];
    const logger = {
      verbose: () => undefined,
      info: (m: string) => lines.push(`info ${m}`),
      warning: (m: string) => lines.push(`warning ${m}`),
      error: () => undefined,
      enabled: () => true,
    };
    const c = ctx("linux", "refuse");
    const first = await selectRoute(c, false, logger);
    const again = await selectRoute(c, false, logger);
    assert.equal(first, again);
    assert.equal(first.route.name, "memory only (not persisted)");
    assert.equal(lines.length, 1);
    assert.match(
      lines[0]!,
      /^warning token cache: tokens are kept in memory only.*Secret Service \(secret-tool\): no D-Bus session.*keyctl search exited with 1: keyctl_search: Operation not permitted.*libsecret-tools.*keyutils.*unsafeAllowUnencryptedStorage/,
    );
    forgetRouteChoices();
    lines.length = 0;
    const chosen = await selectRoute(ctx("linux"), false, logger);
    assert.equal(chosen.route.name, "Linux kernel keyring (keyctl) + AES-256-GCM file");
    assert.deepEqual(lines, [
      "info token cache: msal.cache.nocae is kept by Linux kernel keyring (keyctl) + AES-256-GCM file.",
    ]);
  });
});
