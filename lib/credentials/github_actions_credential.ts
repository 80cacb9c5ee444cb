/**
 * `GitHubActionsCredential`: workload identity federation from a GitHub Actions job (an addition
 * of entra-zero; `@azure/identity` has no such credential).
 *
 * @module
 */
import { CredentialUnavailableError } from "../errors.js";
import { checkHeaderValue } from "../http/transport.js";
import type { CommonCredentialOptions } from "../types.js";
import { requireAppTenant } from "./arguments.js";
import { CiOidcCredential, requireHttpsUrl, withQuery, type CiOidcEndpoint } from "./ci_oidc.js";

const NAME = "GitHubActionsCredential";

/** The audience Entra expects in a federated token. */
const GITHUB_ACTIONS_AUDIENCE = "api://AzureADTokenExchange";

/** Options of {@link GitHubActionsCredential}. */
export interface GitHubActionsCredentialOptions extends CommonCredentialOptions {
  /** The directory (tenant) id; default `AZURE_TENANT_ID`. */
  tenantId?: string;
  /** The application (client) id that trusts the workflow; default `AZURE_CLIENT_ID`. */
  clientId?: string;
}

/** The ID-token request: `GET {ACTIONS_ID_TOKEN_REQUEST_URL}&audience=…` with the request token (pure). */
function githubOidcEndpoint(requestUrl: string, requestToken: string): CiOidcEndpoint {
  requireHttpsUrl(NAME, "ACTIONS_ID_TOKEN_REQUEST_URL", requestUrl);
  checkHeaderValue(NAME, "ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken);
  return {
    method: "GET",
    url: withQuery(requestUrl, `audience=${encodeURIComponent(GITHUB_ACTIONS_AUDIENCE)}`),
    headers: { Authorization: `Bearer ${requestToken}` },
    field: "value",
    diagnosticHeaders: ["x-github-request-id"],
    hint: 'Check that the workflow (or job) has "permissions: id-token: write" and that the app registration has a federated credential for this repository and subject.',
    secrets: [requestToken],
  };
}

/**
 * Authenticates as an app registration that trusts a GitHub Actions workflow (a federated
 * credential with issuer `https://token.actions.githubusercontent.com`). Each token request first
 * asks the job's ID-token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`, with
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN`) for an ID token with audience `api://AzureADTokenExchange`,
 * then presents it as the client assertion. The job needs `permissions: id-token: write`.
 *
 * An addition of entra-zero: `@azure/identity` has no such credential. Inside
 * `DefaultAzureCredential` it follows `WorkloadIdentityCredential` when the two
 * `ACTIONS_ID_TOKEN_REQUEST_…` variables, `AZURE_CLIENT_ID` and `AZURE_TENANT_ID` are set.
 *
 * @example
 * ```ts
 * // In a job with `permissions: id-token: write` and AZURE_CLIENT_ID / AZURE_TENANT_ID set.
 * const credential = new GitHubActionsCredential();
 * ```
 * @see https://docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-azure
 */
export class GitHubActionsCredential extends CiOidcCredential {
  /**
   * @param options - tenant and client id (each defaulting to its variable), plus authority, multi-tenant, retry, TLS and logging options.
   * @throws CredentialUnavailableError when a variable (or option) is missing; the message lists which.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a malformed tenant id, a request URL that is not `https:`, or a request token no HTTP header can carry (never echoed).
   */
  constructor(options: GitHubActionsCredentialOptions = {}) {
    const env = options.env ?? process.env;
    const tenantId = options.tenantId || env.AZURE_TENANT_ID;
    const clientId = options.clientId || env.AZURE_CLIENT_ID;
    const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!tenantId || !clientId || !requestUrl || !requestToken) {
      const missing = [
        !requestUrl && "ACTIONS_ID_TOKEN_REQUEST_URL",
        !requestToken && "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        !tenantId && `"tenantId" (or AZURE_TENANT_ID)`,
        !clientId && `"clientId" (or AZURE_CLIENT_ID)`,
      ].filter(Boolean);
      throw new CredentialUnavailableError(
        `${NAME}: GitHub Actions federation is not configured; missing ${missing.join(", ")}. GitHub sets the ACTIONS_ID_TOKEN_REQUEST_… variables in a job with "permissions: id-token: write".`,
      );
    }
    const tenant = requireAppTenant(NAME, tenantId);
    const endpoint = githubOidcEndpoint(requestUrl, requestToken);
    super(NAME, tenant, clientId, endpoint, options);
  }
}
