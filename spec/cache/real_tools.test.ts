import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { kernelKeyringRoute } from "../../lib/cache/protection/kernel_keyring.js";
import type { RouteContext } from "../../lib/cache/protection/route.js";
import { secretServiceRoute } from "../../lib/cache/protection/secret_service.js";
import { CacheSandbox } from "./cache_sandbox.js";
import { findTool, startSecretService, SYSTEM_PATH } from "./real_tools.js";

const CACHE = JSON.stringify({ AccessToken: { k: { secret: "real-tool-secret-77" } } }, null, 4);
let box: CacheSandbox;

function ctx(fileName: string, env: NodeJS.ProcessEnv): RouteContext {
  return { fileName, filePath: join(box.cacheDir, fileName), env, platform: "linux" };
}

beforeEach(() => (box = new CacheSandbox()));
afterEach(() => box.dispose());

describe("real OS tools (skipped with the reason when absent)", () => {
  test("Linux kernel keyring through the real keyctl", async (t) => {
    if (process.platform !== "linux") return t.skip("Linux only");
    if (!findTool("keyctl")) return t.skip("keyctl (keyutils) is not installed");
    const name = `entra-zero-test-${process.pid}-${Date.now()}.nocae`;
    const route = kernelKeyringRoute(ctx(name, { HOME: box.home, PATH: SYSTEM_PATH }));
    try {
      await route.probe();
    } catch (error) {
      return t.skip(`the kernel refuses keyrings here: ${(error as Error).message}`);
    }
    try {
      await route.save(CACHE);
      const again = kernelKeyringRoute(ctx(name, { HOME: box.home, PATH: SYSTEM_PATH }));
      assert.equal(await again.load(), CACHE);
      assert.ok(!readFileSync(join(box.cacheDir, name)).includes("real-tool-secret"));
    } finally {
      const id = spawnSync("keyctl", ["search", "@u", "user", `entra-zero:${name}`])
        .stdout.toString()
        .trim();
      if (id) spawnSync("keyctl", ["unlink", id, "@u"]);
    }
  });

  test("Secret Service through the real secret-tool and gnome-keyring in a private D-Bus session", async (t) => {
    if (process.platform !== "linux") return t.skip("Linux only");
    const service = await startSecretService(box.home);
    if (typeof service === "string") return t.skip(service);
    try {
      const env = { HOME: box.home, PATH: SYSTEM_PATH, DBUS_SESSION_BUS_ADDRESS: service.address };
      const route = secretServiceRoute(ctx("msal.cache.nocae", env));
      await route.probe();
      assert.equal(await route.load(), undefined);
      await route.save(CACHE);
      assert.equal(await route.load(), CACHE);
      const looked = spawnSync(
        "secret-tool",
        [
          "lookup",
          "xdg:schema",
          "msal.cache.nocae",
          "MsalClientID",
          "Microsoft.Developer.IdentityService",
        ],
        { env },
      );
      assert.equal(looked.stdout.toString(), CACHE, "found by msal-extensions' attributes");
    } finally {
      service.stop();
    }
  });
});
