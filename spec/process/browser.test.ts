import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { InvalidArgumentError } from "../../lib/errors.js";
import { browserCommand, checkBrowserUrl, openSystemBrowser } from "../../lib/process/browser.js";
import { throwsWith } from "../support/assert_error.js";

const dir = mkdtempSync(join(tmpdir(), "entra-zero-browser-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const URL_OK =
  "https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=a&scope=b%20c&state=x";

describe("system browser opener", () => {
  test("one fixed program per platform, the URL as a single argument", () => {
    assert.deepEqual(browserCommand(URL_OK, "linux"), ["xdg-open", URL_OK]);
    assert.deepEqual(browserCommand(URL_OK, "darwin"), ["open", URL_OK]);
    assert.deepEqual(browserCommand(URL_OK, "win32"), [
      "rundll32",
      "url.dll,FileProtocolHandler",
      URL_OK,
    ]);
  });

  for (const bad of [
    "http://login.microsoftonline.com/x",
    "file:///etc/passwd",
    "https://a.example/x y",
    "https://a.example/\u0007",
    "javascript:alert(1)",
    "--help",
  ]) {
    test(`refuses ${JSON.stringify(bad)}`, () => {
      throwsWith(() => checkBrowserUrl("C", bad), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /^C: refusing to open a sign-in URL/,
      });
    });
  }

  test("runs xdg-open through the process layer, without a shell", async () => {
    const record = join(dir, "argv.txt");
    writeFileSync(
      join(dir, "xdg-open"),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${record}"\nexit 0\n`,
    );
    chmodSync(join(dir, "xdg-open"), 0o755);
    const tricky = `${URL_OK}&x=$(touch%20pwned);id`;
    assert.equal(
      await openSystemBrowser("C", tricky, { env: { PATH: dir }, platform: "linux" }),
      true,
    );
    assert.equal(readFileSync(record, "utf8"), `${tricky}\n`);
  });

  test("a missing or failing opener is reported as false, not thrown", async () => {
    assert.equal(
      await openSystemBrowser("C", URL_OK, {
        env: { PATH: join(dir, "nowhere") },
        platform: "linux",
      }),
      false,
    );
    writeFileSync(join(dir, "open"), "#!/bin/sh\nexit 3\n");
    chmodSync(join(dir, "open"), 0o755);
    assert.equal(
      await openSystemBrowser("C", URL_OK, { env: { PATH: dir }, platform: "darwin" }),
      false,
    );
  });
});
