import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createLogger } from "../../lib/util/logger.js";
import type { LogLevel } from "../../lib/types.js";

test("AZURE_LOG_LEVEL sets the threshold; unset means silent; the option wins", () => {
  const lines: string[] = [];
  const sink = (level: LogLevel, message: string) => lines.push(`${level} ${message}`);
  const log = createLogger("X", { logger: sink }, { AZURE_LOG_LEVEL: "warning" });
  log.info("dropped");
  log.warning("kept");
  log.error("kept too");
  createLogger("X", { logger: sink }, {}).error("silent");
  createLogger("X", { logger: sink, logLevel: "verbose" }, { AZURE_LOG_LEVEL: "error" }).verbose(
    "option wins",
  );
  createLogger("X", { logger: sink }, { AZURE_LOG_LEVEL: "loud" }).error("unknown level is silent");
  assert.deepEqual(lines, ["warning X: kept", "error X: kept too", "verbose X: option wins"]);
});

test("the default sink writes one prefixed line to stderr", () => {
  const logger = new URL("../../lib/util/logger.js", import.meta.url).href;
  const script = `const { createLogger } = await import(${JSON.stringify(logger)}); createLogger("ClientSecretCredential", undefined, process.env).info("getToken succeeded scopes=[s]");`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { AZURE_LOG_LEVEL: "info" },
    encoding: "utf8",
    cwd: fileURLToPath(new URL(".", import.meta.url)),
  });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(
    child.stderr,
    "entra-zero:ClientSecretCredential info getToken succeeded scopes=[s]\n",
  );
});
