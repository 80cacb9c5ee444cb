import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { InvalidArgumentError, useIdentityPlugin } from "../support/package.js";
import { cachePersistencePlugin } from "../support/package.js";
import { throwsWith } from "../support/assert_error.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/**
 * Runs a script in a new process (the plugin registry is per process), in the package's folder so
 * "entra-zero" resolves to the build; the script prints one JSON line.
 */
function child(script: string, type: "module" | "commonjs"): Record<string, unknown> {
  const result = spawnSync(process.execPath, [`--input-type=${type}`, "-e", script], {
    cwd: root,
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

/** The body both module systems run: `m` is the package, `p` its persistence subpath. */
const SCENARIOS = `
  const lines = [];
  const loggingOptions = { logger: (level, message) => lines.push(level + " " + message) };
  const outcome = {};
  const failure = (fn) => {
    try { fn(); return "no error"; }
    catch (e) { return { name: e.name, code: e.code, message: e.message, ours: e instanceof m.TokenCacheError }; }
  };
  const persisted = () => new m.ClientSecretCredential("${TENANT}", "app", "not-a-secret", {
    tokenCachePersistenceOptions: { enabled: true }, loggingOptions,
  });
  outcome.disabled = failure(() => new m.ClientSecretCredential("${TENANT}", "app", "not-a-secret", {
    tokenCachePersistenceOptions: { enabled: false },
  }));
  outcome.before = failure(persisted);
  try { await new m.SharedTokenCacheCredential({ env: {}, loggingOptions }).getToken("https://vault.azure.net/.default"); }
  catch (e) { outcome.shared = { name: e.name, code: e.code, message: e.message, ours: e instanceof m.CredentialUnavailableError }; }
  process.env.AZURE_LOG_LEVEL = "info";
  const logged = [];
  for (const level of ["info", "warning"]) m.logger[level].log = (...args) => logged.push(level + " " + args.join(" "));
  m.useIdentityPlugin((context) => context.cachePluginControl.setPersistence(async () => ({})));
  outcome.foreign = { logged: logged.splice(0), after: failure(persisted) };
  m.useIdentityPlugin(p.cachePersistencePlugin);
  outcome.registered = { logged: logged.splice(0), after: failure(persisted) };
  console.log(JSON.stringify(outcome));
`;

for (const [type, load] of [
  [
    "module",
    `const m = await import("entra-zero"); const p = await import("entra-zero/persistence");`,
  ],
  [
    "commonjs",
    `(async () => { const m = require("entra-zero"); const p = require("entra-zero/persistence");`,
  ],
] as const) {
  test(`${type}: persistence is opt-in through the plugin of entra-zero/persistence, as in @azure/identity`, () => {
    const script = type === "module" ? `${load}${SCENARIOS}` : `${load}${SCENARIOS}})();`;
    const outcome = child(script, type) as Record<string, any>;
    // Off needs no plugin; on without it fails at construction, as @azure/identity does.
    assert.equal(outcome.disabled, "no error");
    assert.equal(outcome.before.name, "TokenCacheError");
    assert.equal(outcome.before.ours, true);
    assert.equal(outcome.before.code, "ERR_CACHE_PLUGIN_MISSING");
    assert.match(
      outcome.before.message,
      /^ClientSecretCredential: tokenCachePersistenceOptions\.enabled needs the persistence plugin: call useIdentityPlugin\(cachePersistencePlugin\) first, with the plugin exported by "entra-zero\/persistence"\.$/,
    );
    // The shared developer cache is read through the same plugin: without it, unavailable.
    assert.equal(outcome.shared.ours, true);
    assert.equal(outcome.shared.code, "ERR_CREDENTIAL_UNAVAILABLE");
    assert.match(
      outcome.shared.message,
      /^SharedTokenCacheCredential: .*persistence plugin.*"entra-zero\/persistence"/,
    );
    // @azure/identity-cache-persistence's plugin is not installed; the warning names ours.
    assert.equal(outcome.foreign.logged.length, 1);
    assert.match(
      outcome.foreign.logged[0],
      /warning.*this persistence plugin needs @azure\/identity and native modules and was ignored; .*"entra-zero\/persistence"/,
    );
    assert.equal(outcome.foreign.after.code, "ERR_CACHE_PLUGIN_MISSING");
    // Ours is installed.
    assert.match(outcome.registered.logged.join("\n"), /persistent token caching is available/);
    assert.equal(outcome.registered.after, "no error");
  });
}

test("cachePersistencePlugin given to another package's useIdentityPlugin: a typed error, which ours never throws", () => {
  throwsWith(() => cachePersistencePlugin({}), {
    class: InvalidArgumentError,
    code: "ERR_INVALID_ARG_VALUE",
    message: /cachePersistencePlugin: pass it to useIdentityPlugin of "entra-zero"/,
  });
  assert.doesNotThrow(() => useIdentityPlugin(cachePersistencePlugin));
});
