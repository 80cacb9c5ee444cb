import { authorizeEndpoint, type Authority } from "./authority.js";
import { withOidc } from "./grants.js";

/** What goes into the authorization request of a browser sign-in. */
export interface AuthorizeRequest {
  tenantId: string;
  clientId: string;
  /** Sent exactly; the token request must repeat it. */
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  /** The S256 PKCE challenge. */
  codeChallenge: string;
  /** Pre-fills the account; Entra then asks to sign in rather than to pick an account. */
  loginHint?: string;
  /** The `claims` parameter (challenge and/or CAE). */
  claims?: string;
}

/**
 * Builds the `/authorize` URL of the authorization code flow with PKCE S256. Pure.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
 */
export function buildAuthorizeUrl(authority: Authority, request: AuthorizeRequest): string {
  const url = new URL(authorizeEndpoint(authority, request.tenantId));
  const params = url.searchParams;
  params.set("client_id", request.clientId);
  params.set("response_type", "code");
  params.set("redirect_uri", request.redirectUri);
  params.set("scope", withOidc(request.scopes));
  params.set("response_mode", "query");
  params.set("state", request.state);
  params.set("code_challenge", request.codeChallenge);
  params.set("code_challenge_method", "S256");
  params.set("client_info", "1");
  if (request.loginHint) params.set("login_hint", request.loginHint);
  params.set("prompt", request.loginHint ? "login" : "select_account");
  if (request.claims) params.set("claims", request.claims);
  return url.toString();
}
