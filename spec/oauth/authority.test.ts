import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AzureAuthorityHosts,
  regionFromEnvironment,
  resolveAuthority,
  tokenEndpoint,
} from "../../lib/oauth/authority.js";
import { createTenantPolicy, resolveTenant } from "../../lib/oauth/tenant.js";
import { normalizeScopes, scopeToResource } from "../../lib/oauth/scopes.js";
import { CredentialUnavailableError, InvalidArgumentError } from "../../lib/errors.js";
import { throwsWith } from "../support/assert_error.js";

describe("authority resolution", () => {
  const cases: Array<[string, string | undefined, Record<string, string>, string, boolean]> = [
    ["default is the public cloud", undefined, {}, "https://login.microsoftonline.com", true],
    [
      "AZURE_AUTHORITY_HOST applies",
      undefined,
      { AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us" },
      "https://login.microsoftonline.us",
      true,
    ],
    [
      "the option beats the environment",
      AzureAuthorityHosts.AzureChina,
      { AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us" },
      "https://login.chinacloudapi.cn",
      true,
    ],
    [
      "a bare host gets https",
      "login.microsoftonline.com",
      {},
      "https://login.microsoftonline.com",
      true,
    ],
    [
      "trailing slashes go",
      "https://login.microsoftonline.com///",
      {},
      "https://login.microsoftonline.com",
      true,
    ],
    [
      "a custom host needs discovery",
      "https://login.contoso.com",
      {},
      "https://login.contoso.com",
      false,
    ],
    ["a port is kept", "https://127.0.0.1:8443", {}, "https://127.0.0.1:8443", false],
  ];
  for (const [name, option, env, host, known] of cases) {
    test(name, () => {
      const authority = resolveAuthority("C", option, env);
      assert.equal(authority.host, host);
      assert.equal(authority.isKnownCloud, known);
    });
  }
  for (const bad of [
    "http://login.microsoftonline.com",
    "ftp://x",
    "https://h/?q=1",
    "https://user:pw@h",
  ]) {
    test(`refuses ${bad}`, () => {
      throwsWith(() => resolveAuthority("C", bad, {}), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /^C: "authorityHost"/,
      });
    });
  }
  test("token endpoints, including ADFS", () => {
    const authority = resolveAuthority("C", undefined, {});
    assert.equal(
      tokenEndpoint(authority, "contoso.com"),
      "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token",
    );
    assert.equal(
      tokenEndpoint(resolveAuthority("C", "https://adfs.contoso.com/adfs", {}), "adfs"),
      "https://adfs.contoso.com/adfs/adfs/oauth2/token",
    );
  });
  test("an authority host ending in the tenant is accepted as @azure/identity does", () => {
    const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const withTenant = resolveAuthority(
      "C",
      `https://login.microsoftonline.com/${tenant}/`,
      {},
      undefined,
      tenant,
    );
    assert.equal(withTenant.host, "https://login.microsoftonline.com");
    assert.equal(withTenant.isKnownCloud, true);
    assert.equal(
      tokenEndpoint(withTenant, tenant),
      `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`,
    );
    const organizations = resolveAuthority(
      "C",
      "login.microsoftonline.com/Organizations",
      {},
      undefined,
      "organizations",
    );
    assert.equal(organizations.host, "https://login.microsoftonline.com");
    assert.equal(
      tokenEndpoint(
        resolveAuthority("C", "https://adfs.contoso.com/adfs", {}, undefined, "adfs"),
        "adfs",
      ),
      "https://adfs.contoso.com/adfs/oauth2/token",
    );
    const other = resolveAuthority("C", "https://login.contoso.com/other", {}, undefined, tenant);
    assert.equal(other.host, "https://login.contoso.com/other");
  });
  test("regional authority for the public cloud and others", () => {
    assert.equal(
      tokenEndpoint(resolveAuthority("C", undefined, {}, "westus2"), "t"),
      "https://westus2.login.microsoft.com/t/oauth2/v2.0/token",
    );
    assert.equal(
      tokenEndpoint(
        resolveAuthority("C", AzureAuthorityHosts.AzureGovernment, {}, "usgovvirginia"),
        "t",
      ),
      "https://usgovvirginia.login.microsoftonline.us/t/oauth2/v2.0/token",
    );
    assert.equal(regionFromEnvironment({ AZURE_REGIONAL_AUTHORITY_NAME: "eastus" }), "eastus");
    assert.equal(
      regionFromEnvironment({
        AZURE_REGIONAL_AUTHORITY_NAME: "TryAutoDetect",
        REGION_NAME: "northeurope",
      }),
      "northeurope",
    );
    assert.equal(
      regionFromEnvironment({ AZURE_REGIONAL_AUTHORITY_NAME: "TryAutoDetect" }),
      undefined,
    );
    throwsWith(() => resolveAuthority("C", undefined, {}, "evil.com/x"), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /AZURE_REGIONAL_AUTHORITY_NAME/,
    });
  });
});

describe("tenant resolution", () => {
  const policy = (configured: string, allowed?: string[], env: Record<string, string> = {}) =>
    createTenantPolicy(configured, allowed, env);
  const cases: Array<[string, ReturnType<typeof policy>, string | undefined, string]> = [
    ["no request: the configured tenant", policy("home"), undefined, "home"],
    ["same tenant requested", policy("home"), "home", "home"],
    ["allowed explicitly", policy("home", ["other"]), "other", "other"],
    ["wildcard", policy("home", ["a", "*"]), "other", "other"],
    ["no configured tenant: anything", policy(""), "other", "other"],
    ["ADFS never switches", policy("adfs", ["*"]), "other", "adfs"],
    [
      "multi-tenant disabled",
      policy("home", ["*"], { AZURE_IDENTITY_DISABLE_MULTITENANTAUTH: "true" }),
      "other",
      "home",
    ],
    [
      "allowed through the environment",
      policy("home", undefined, { AZURE_ADDITIONALLY_ALLOWED_TENANTS: "x;other" }),
      "other",
      "other",
    ],
  ];
  for (const [name, p, requested, expected] of cases)
    test(name, () => assert.equal(resolveTenant("C", p, requested), expected));
  test("refused tenant", () => {
    throwsWith(() => resolveTenant("C", policy("home"), "other"), {
      class: CredentialUnavailableError,
      code: "ERR_TENANT_NOT_ALLOWED",
      message: /tenant other/,
    });
  });
  test("the option beats the environment", () => {
    throwsWith(
      () =>
        resolveTenant(
          "C",
          policy("home", [], { AZURE_ADDITIONALLY_ALLOWED_TENANTS: "*" }),
          "other",
        ),
      {
        class: CredentialUnavailableError,
        code: "ERR_TENANT_NOT_ALLOWED",
        message: /additionallyAllowedTenants/,
      },
    );
  });
});

describe("scopes", () => {
  test("a string becomes a list", () =>
    assert.deepEqual(normalizeScopes("C", "a/.default"), ["a/.default"]));
  for (const bad of [[], "", [""], ["a b"], ['a"b'], ["a\nb"], [5], undefined, null]) {
    test(`refuses ${JSON.stringify(bad)}`, () => {
      throwsWith(() => normalizeScopes("C", bad), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /^C: "scopes/,
      });
    });
  }
  test("resource of a .default scope", () => {
    assert.equal(scopeToResource("https://vault.azure.net/.default"), "https://vault.azure.net");
    assert.equal(scopeToResource("User.Read"), "User.Read");
  });
});
