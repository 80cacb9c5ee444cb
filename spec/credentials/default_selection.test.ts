import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CredentialUnavailableError, InvalidArgumentError } from "../../lib/errors.js";
import { checkRequiredEnvVars, selectMembers } from "../../lib/credentials/default_selection.js";
import { throwsWith } from "../support/assert_error.js";

describe("DefaultAzureCredential: chain selection (pure)", () => {
  const table: Array<[string | undefined, Record<string, boolean>, string[], boolean]> = [
    [
      undefined,
      {},
      [
        "EnvironmentCredential",
        "WorkloadIdentityCredential",
        "ManagedIdentityCredential",
        "SharedTokenCacheCredential",
        "AzureCliCredential",
        "AzurePowerShellCredential",
        "AzureDeveloperCliCredential",
      ],
      false,
    ],
    [
      "",
      {},
      [
        "EnvironmentCredential",
        "WorkloadIdentityCredential",
        "ManagedIdentityCredential",
        "SharedTokenCacheCredential",
        "AzureCliCredential",
        "AzurePowerShellCredential",
        "AzureDeveloperCliCredential",
      ],
      false,
    ],
    [
      "prod",
      {},
      ["EnvironmentCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential"],
      false,
    ],
    [
      " Dev ",
      {},
      [
        "SharedTokenCacheCredential",
        "AzureCliCredential",
        "AzurePowerShellCredential",
        "AzureDeveloperCliCredential",
      ],
      false,
    ],
    ["AZURECLICREDENTIAL", {}, ["AzureCliCredential"], true],
    ["managedidentitycredential", {}, ["ManagedIdentityCredential"], true],
    ["VisualStudioCodeCredential", {}, ["VisualStudioCodeCredential"], true],
    [
      undefined,
      { excludeEnvironmentCredential: true, excludeAzurePowerShellCredential: true },
      [
        "WorkloadIdentityCredential",
        "ManagedIdentityCredential",
        "SharedTokenCacheCredential",
        "AzureCliCredential",
        "AzureDeveloperCliCredential",
      ],
      false,
    ],
    [
      "prod",
      { excludeManagedIdentityCredential: true },
      ["EnvironmentCredential", "WorkloadIdentityCredential"],
      false,
    ],
    ["azureclicredential", { excludeAzureCliCredential: true }, [], true],
    [
      undefined,
      { excludeInteractiveBrowserCredential: false },
      [
        "EnvironmentCredential",
        "WorkloadIdentityCredential",
        "ManagedIdentityCredential",
        "SharedTokenCacheCredential",
        "AzureCliCredential",
        "AzurePowerShellCredential",
        "AzureDeveloperCliCredential",
        "InteractiveBrowserCredential",
      ],
      false,
    ],
    [
      "dev",
      { excludeInteractiveBrowserCredential: false, excludeAzurePowerShellCredential: true },
      [
        "SharedTokenCacheCredential",
        "AzureCliCredential",
        "AzureDeveloperCliCredential",
        "InteractiveBrowserCredential",
      ],
      false,
    ],
    [
      "prod",
      { excludeInteractiveBrowserCredential: false },
      ["EnvironmentCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential"],
      false,
    ],
  ];
  for (const [setting, exclude, members, single] of table) {
    test(`AZURE_TOKEN_CREDENTIALS=${JSON.stringify(setting)} ${JSON.stringify(exclude)}`, () => {
      assert.deepEqual(selectMembers(setting, exclude), { members, single });
    });
  }
  test("VisualStudioCodeCredential joins only when opted in (exclude option false, or by name)", () => {
    const optedIn = selectMembers("dev", { excludeVisualStudioCodeCredential: false }).members;
    assert.deepEqual(optedIn.slice(0, 2), [
      "SharedTokenCacheCredential",
      "VisualStudioCodeCredential",
    ]);
    const dropped = selectMembers(undefined, { excludeSharedTokenCacheCredential: true }).members;
    assert.ok(!dropped.includes("SharedTokenCacheCredential"));
  });
  for (const bad of ["production", "SharedTokenCacheCredential", "cli", "dev,prod"]) {
    test(`"${bad}" is refused`, () => {
      throwsWith(() => selectMembers(bad, {}), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /invalid value for AZURE_TOKEN_CREDENTIALS/,
      });
    });
  }
  test("requiredEnvVars: one name or a list; empty counts as missing", () => {
    checkRequiredEnvVars("AZURE_CLIENT_ID", { AZURE_CLIENT_ID: "x" });
    checkRequiredEnvVars(undefined, {});
    throwsWith(
      () =>
        checkRequiredEnvVars(["AZURE_CLIENT_ID", "AZURE_TOKEN_CREDENTIALS"], {
          AZURE_CLIENT_ID: "x",
          AZURE_TOKEN_CREDENTIALS: " ",
        }),
      {
        class: CredentialUnavailableError,
        code: "ERR_CREDENTIAL_UNAVAILABLE",
        message: /AZURE_TOKEN_CREDENTIALS not set or empty/,
      },
    );
  });
});
