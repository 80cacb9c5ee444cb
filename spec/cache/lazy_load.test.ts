import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";

const HOOKS = new URL("../../../fixtures/loader/log_cache_modules.mjs", import.meta.url).href;
const INDEX = new URL("../../lib/index.js", import.meta.url).href;
const PERSISTENCE = new URL("../../lib/persistence.js", import.meta.url).href;

test("the persistent cache modules load only when the plugin is registered, persistence enabled and a token asked for", () => {
  const script = `
    import { register } from "node:module";
    register(${JSON.stringify(HOOKS)});
    const m = await import(${JSON.stringify(INDEX)});
    const p = await import(${JSON.stringify(PERSISTENCE)});
    m.useIdentityPlugin(p.cachePersistencePlugin);
    process.stderr.write("registered\\n");
    new m.ClientSecretCredential("72f988bf-86f1-41af-91ab-2d7cd011db47", "app", "secret", {
      tokenCachePersistenceOptions: { enabled: true },
    });
    process.stderr.write("constructed\\n");
  `;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  const loaded = result.stderr.split("\n").filter((l) => l.startsWith("LOADED"));
  // Only the seam: the registry, the in-memory cache and the store's front. No file, lock,
  // keyring or MSAL-format module until the first cache read.
  assert.deepEqual([...new Set(loaded)].sort(), [
    "LOADED cache/persistence_registry.js",
    "LOADED cache/token_cache.js",
    "LOADED cache/token_store.js",
  ]);
  assert.match(result.stderr, /registered\nconstructed/);
});
