/**
 * The text of `entra-token --help`.
 *
 * @module
 */
import { CREDENTIAL_NAMES } from "./arguments.js";

/** What `entra-token --help` prints. */
export const HELP = `Usage: entra-token --scope <scope> [options]
       entra-token emulator [--port <n>]

Prints a Microsoft Entra ID access token, like "az account get-access-token",
without the Azure CLI. Errors go to stderr; a secret is never printed there.

Options:
  -s, --scope <scope>        the scope to ask for, e.g. https://management.azure.com/.default
                             (repeat it, or separate scopes with spaces, for several)
      --resource <uri>       instead of --scope: the resource, as az takes it (<uri>/.default)
  -c, --credential <name>    ${CREDENTIAL_NAMES.join(" | ")}
                             (default: default, the DefaultAzureCredential chain)
  -t, --tenant <id>          the tenant (not with environment or managed-identity)
      --client-id <id>       the app or user-assigned identity (not with cli, azd, powershell)
  -o, --output <format>      token (default) | json (az's fields: accessToken, expiresOn,
                             expires_on, tenant, tokenType) | header (Authorization: Bearer …)
      --decode               print the token's JOSE header and claims as JSON instead of the
                             token. The signature is NOT verified: for reading only.
      --disable-instance-discovery
                             trust the authority host as given (AZURE_AUTHORITY_HOST of a
                             private cloud, ADFS, or the emulator) without asking Entra
  -h, --help                 this text
  -V, --version              the version

device-code and browser keep the signed-in account in
~/.IdentityService/entra-token.record.json (0600) and use the persistent token cache,
so a second run is silent.

entra-token emulator runs a local Entra ID emulator in the foreground for tests, and
prints its authority host, CA certificate file and a registered app (with a throwaway
secret valid only there) as NAME=value lines. Ctrl+C stops it.

Exit codes:
  0  a token was printed          3  the credential is unavailable here
  1  another failure              4  authentication failed (refused)
  2  usage error                  5  network failure (timeout, connection, proxy, TLS)
`;
