import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseArguments, UsageError } from "../../lib/cli/arguments.js";
import { throwsWith } from "../support/assert_error.js";

const SCOPE = "https://management.azure.com/.default";

describe("entra-token arguments", () => {
  test("a token command with every option, short and long, --opt=value and repeated scopes", () => {
    assert.deepEqual(
      parseArguments([
        "-s",
        SCOPE,
        "--scope=https://vault.azure.net/.default openid",
        "--credential",
        "device-code",
        "-t",
        "contoso.onmicrosoft.com",
        "--client-id=9a1b0000-0000-4000-8000-00000000a0c7",
        "-o",
        "json",
      ]),
      {
        kind: "token",
        scopes: [SCOPE, "https://vault.azure.net/.default", "openid"],
        credential: "device-code",
        tenantId: "contoso.onmicrosoft.com",
        clientId: "9a1b0000-0000-4000-8000-00000000a0c7",
        output: "json",
        decode: false,
        disableInstanceDiscovery: false,
      },
    );
  });

  test("defaults: the default credential, token output; --resource becomes <resource>/.default", () => {
    assert.deepEqual(parseArguments(["--resource", "https://vault.azure.net/"]), {
      kind: "token",
      scopes: ["https://vault.azure.net/.default"],
      credential: "default",
      output: "token",
      decode: false,
      disableInstanceDiscovery: false,
    });
    assert.equal((parseArguments(["-s", SCOPE, "--decode"]) as { decode: boolean }).decode, true);
  });

  test("--help and --version win over everything else; emulator takes --port", () => {
    assert.deepEqual(parseArguments(["--bogus-but-help-first", "-h"].slice(1)), { kind: "help" });
    assert.deepEqual(parseArguments(["-s", SCOPE, "--help"]), { kind: "help" });
    assert.deepEqual(parseArguments(["-V"]), { kind: "version" });
    assert.deepEqual(parseArguments(["emulator"]), { kind: "emulator", port: 0 });
    assert.deepEqual(parseArguments(["emulator", "--port", "8443"]), {
      kind: "emulator",
      port: 8443,
    });
  });

  const SECRET = "Xq9~cli-secret-probe-4d1e";
  const bad: [string, string[], string, RegExp][] = [
    [
      "an unknown flag",
      ["-s", SCOPE, "--bogus"],
      "ERR_USAGE_UNKNOWN_OPTION",
      /^unknown option --bogus\.$/,
    ],
    [
      "an unknown flag carrying a secret is not echoed",
      ["-s", SCOPE, `--client-secret=${SECRET}`],
      "ERR_USAGE_UNKNOWN_OPTION",
      /^unknown option --client-secret\.$/,
    ],
    [
      "an unknown flag that looks like a secret is not echoed",
      ["-s", SCOPE, `-${SECRET}`],
      "ERR_USAGE_UNKNOWN_OPTION",
      /^unknown option at position 3\.$/,
    ],
    [
      "a stray argument (perhaps a pasted secret) is not echoed",
      ["-s", SCOPE, SECRET],
      "ERR_USAGE_UNKNOWN_OPTION",
      /^unexpected argument \(not echoed\)/,
    ],
    ["a missing --scope", ["-c", "cli"], "ERR_USAGE_MISSING_OPTION", /^--scope is required/],
    [
      "--scope without a value",
      ["--scope"],
      "ERR_USAGE_MISSING_VALUE",
      /^--scope needs a value\.$/,
    ],
    [
      "--scope followed by a flag",
      ["--scope", "--decode"],
      "ERR_USAGE_MISSING_VALUE",
      /needs a value/,
    ],
    ["an empty scope", ["--scope="], "ERR_USAGE_INVALID_VALUE", /^--scope is empty\.$/],
    [
      "a malformed scope (a quote)",
      ["-s", `https://x/.default"`],
      "ERR_USAGE_INVALID_VALUE",
      /^scope 1 holds characters a scope cannot/,
    ],
    [
      "a malformed scope (non-ASCII)",
      ["-s", SCOPE, "-s", "https://é/.default"],
      "ERR_USAGE_INVALID_VALUE",
      /^scope 2 holds characters/,
    ],
    [
      "an unknown credential name",
      ["-s", SCOPE, "-c", "keyvault"],
      "ERR_USAGE_INVALID_VALUE",
      /^--credential must be one of default, environment, workload, github-actions, managed-identity, cli, azd, powershell, device-code, browser\.$/,
    ],
    [
      "an unknown output",
      ["-s", SCOPE, "-o", "yaml"],
      "ERR_USAGE_INVALID_VALUE",
      /^--output must be one of token, json, header\.$/,
    ],
    [
      "--scope and --resource",
      ["-s", SCOPE, "--resource", "https://x"],
      "ERR_USAGE_CONFLICT",
      /^give --scope or --resource, not both\.$/,
    ],
    [
      "--decode and --output",
      ["-s", SCOPE, "--decode", "-o", "json"],
      "ERR_USAGE_CONFLICT",
      /cannot be combined with --output/,
    ],
    [
      "--client-id with cli",
      ["-s", SCOPE, "-c", "cli", "--client-id", "abc"],
      "ERR_USAGE_CONFLICT",
      /^--client-id does not apply to --credential cli/,
    ],
    [
      "--tenant with environment",
      ["-s", SCOPE, "-c", "environment", "-t", "abc"],
      "ERR_USAGE_CONFLICT",
      /^--tenant does not apply to --credential environment: set AZURE_TENANT_ID/,
    ],
    [
      "--tenant with managed-identity",
      ["-s", SCOPE, "-c", "managed-identity", "-t", "abc"],
      "ERR_USAGE_CONFLICT",
      /the host decides the tenant/,
    ],
    [
      "--port without emulator",
      ["-s", SCOPE, "--port", "1"],
      "ERR_USAGE_CONFLICT",
      /^--port applies to entra-token emulator only/,
    ],
    [
      "--scope with emulator",
      ["emulator", "-s", SCOPE],
      "ERR_USAGE_CONFLICT",
      /^--scope does not apply to entra-token emulator/,
    ],
    [
      "a port out of range",
      ["emulator", "--port", "70000"],
      "ERR_USAGE_INVALID_VALUE",
      /^--port must be 0 to 65535\.$/,
    ],
    [
      "a flag given a value",
      ["-s", SCOPE, "--decode=yes"],
      "ERR_USAGE_INVALID_VALUE",
      /^--decode takes no value\.$/,
    ],
    [
      "a tenant with a slash",
      ["-s", SCOPE, "-t", "../etc"],
      "ERR_USAGE_INVALID_VALUE",
      /^--tenant must be an id or domain/,
    ],
  ];
  for (const [what, argv, code, message] of bad) {
    test(`usage error: ${what}`, () => {
      const error = throwsWith(() => parseArguments(argv), { class: UsageError, code, message });
      assert.equal(error.name, "UsageError");
      assert.ok(!error.message.includes(SECRET), "the secret is not echoed");
    });
  }
});
