import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";

const INDEX = new URL("../../lib/index.js", import.meta.url).href;
// Reports every package module resolved, from the hooks thread.
const HOOKS =
  "data:text/javascript," +
  encodeURIComponent(
    "export async function resolve(s, c, next) { const r = await next(s, c);" +
      ' if (r.url.includes("/build/lib/")) process.stderr.write(`LOADED ${r.url.split("/build/lib/")[1]}\\n`);' +
      " return r; }",
  );
const LAZY = [
  "credentials/shared_token_cache_read.js",
  "credentials/visual_studio_code_fetch.js",
  "oauth/browser_flow.js",
  "oauth/device_code_flow.js",
  "oauth/loopback.js",
  "oauth/user_session_state.js",
];

test("constructing the user sign-in credentials loads none of their getToken machinery; a getToken loads only what it runs", () => {
  const script = `
    import { register } from "node:module";
    register(${JSON.stringify(HOOKS)});
    const m = await import(${JSON.stringify(INDEX)});
    const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    new m.DeviceCodeCredential({ tenantId: tenant });
    const browser = new m.InteractiveBrowserCredential({ disableAutomaticAuthentication: true });
    new m.AuthorizationCodeCredential(tenant, "app", "code", "https://app.example/cb");
    new m.VisualStudioCodeCredential();
    new m.SharedTokenCacheCredential({ tenantId: tenant });
    process.stderr.write("constructed\\n");
    await browser.getToken("https://vault.azure.net/.default").catch((error) => {
      process.stderr.write(error.name + "\\n");
    });
  `;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  const [constructing, calling = ""] = result.stderr.split("constructed\n");
  const lazy = (text: string) => LAZY.filter((file) => text.split("\n").includes(`LOADED ${file}`));
  assert.deepEqual(lazy(constructing!), []);
  assert.deepEqual(lazy(calling), ["oauth/user_session_state.js"]);
  assert.match(calling, /^AuthenticationRequiredError$/m);
});
