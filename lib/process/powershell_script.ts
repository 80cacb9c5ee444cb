/**
 * The fixed PowerShell script run by `AzurePowerShellCredential`. No caller value is ever part of
 * it: the resource and tenant arrive through the environment variables named here, and the script
 * is passed with `-EncodedCommand`, so the command line holds only base64 of this constant text.
 *
 * @module
 */
import { POWERSHELL_NO_MODULE_MARKER, POWERSHELL_TOKEN_MARKER } from "./cli_output.js";

/** Environment variable carrying the resource to `Get-AzAccessToken -ResourceUrl`. */
const POWERSHELL_RESOURCE_VARIABLE = "AZURE_IDENTITY_POWERSHELL_RESOURCE";

/** Environment variable carrying the tenant to `Get-AzAccessToken -TenantId` (absent: the context's tenant). */
const POWERSHELL_TENANT_VARIABLE = "AZURE_IDENTITY_POWERSHELL_TENANT_ID";

/**
 * The script: import Az.Accounts ≥ 2.2.0 (or print the no-module marker), call
 * `Get-AzAccessToken` with `-AsSecureString` where that version range needs it, turn a
 * `SecureString` token into text, and print `entrazero%<token>%<expiry epoch seconds>`.
 */
export const POWERSHELL_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  "$module = Import-Module Az.Accounts -MinimumVersion 2.2.0 -PassThru -ErrorAction SilentlyContinue",
  `if (-not $module) { Write-Output '${POWERSHELL_NO_MODULE_MARKER}'; exit 0 }`,
  `$params = @{ ResourceUrl = $env:${POWERSHELL_RESOURCE_VARIABLE}; WarningAction = 'Ignore' }`,
  `if ($env:${POWERSHELL_TENANT_VARIABLE}) { $params['TenantId'] = $env:${POWERSHELL_TENANT_VARIABLE} }`,
  "$version = @($module)[0].Version",
  "if ($version -ge [version]'2.17.0' -and $version -lt [version]'5.0.0') { $params['AsSecureString'] = $true }",
  "$result = Get-AzAccessToken @params",
  "$token = $result.Token",
  "if ($token -is [System.Security.SecureString]) {",
  "  if ($PSVersionTable.PSVersion.Major -lt 7) {",
  "    $bstr = [System.Runtime.InteropServices.Marshal]::SecureStringToBSTR($token)",
  "    try { $token = [System.Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr) }",
  "    finally { [System.Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr) }",
  "  } else {",
  "    $token = ConvertFrom-SecureString -SecureString $token -AsPlainText",
  "  }",
  "}",
  `Write-Output ('${POWERSHELL_TOKEN_MARKER}' + $token + '%' + $result.ExpiresOn.ToUnixTimeSeconds())`,
].join("\n");

/**
 * How to run {@link POWERSHELL_SCRIPT} with `program` (`pwsh` or `powershell`).
 *
 * @param resource - the resource to get a token for.
 * @param tenant - the tenant, or `""` for the context's own.
 * @returns `argv` (`-NoProfile -NonInteractive -EncodedCommand <script as UTF-16LE, base64>`) and
 *   the variables to set in the environment; an `undefined` value means "remove it".
 */
export function powerShellInvocation(program: string, resource: string, tenant: string) {
  const script = Buffer.from(POWERSHELL_SCRIPT, "utf16le").toString("base64");
  return {
    argv: [program, "-NoProfile", "-NonInteractive", "-EncodedCommand", script],
    env: {
      [POWERSHELL_RESOURCE_VARIABLE]: resource,
      [POWERSHELL_TENANT_VARIABLE]: tenant || undefined,
    },
  };
}
