import { parseLoopbackRedirectUri } from "../oauth/loopback_redirect.js";
import {
  InteractiveUserCredential,
  type InteractiveCredentialOptions,
} from "./user_credential_base.js";

/** Options of {@link InteractiveBrowserCredential} on Node.js, as in `@azure/identity`. */
export interface InteractiveBrowserCredentialNodeOptions extends InteractiveCredentialOptions {
  /** The directory (tenant) id or domain; default `organizations` with the default client id, else `common`. */
  tenantId?: string;
  /** The application (client) id of a public client with a `http://localhost` redirect URI; default the Azure CLI's. */
  clientId?: string;
  /**
   * `http://localhost[:port][/path]` (or `127.0.0.1`). Default `http://localhost` on a random port:
   * Entra ignores the port of loopback redirect URIs. The server always binds 127.0.0.1.
   */
  redirectUri?: string | (() => string);
  /** Pre-fills the account on the sign-in page. */
  loginHint?: string;
  /** Accepted for compatibility; the loopback pages are fixed. */
  browserCustomizationOptions?: { errorMessage?: string; successMessage?: string };
}

/**
 * Signs a user in with the system browser (authorization code flow with PKCE S256), then renews
 * tokens silently with the refresh token.
 *
 * @example
 * ```ts
 * const credential = new InteractiveBrowserCredential({ tenantId, clientId });
 * const { token } = await credential.getToken("https://graph.microsoft.com/User.Read");
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
 */
export class InteractiveBrowserCredential extends InteractiveUserCredential {
  /**
   * @param options - tenant, client id, redirect URI, login hint, `disableAutomaticAuthentication`, authority, multi-tenant, retry, TLS, logging.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a malformed tenant id, client id or redirect URI.
   */
  constructor(options: InteractiveBrowserCredentialNodeOptions = {}) {
    const name = "InteractiveBrowserCredential";
    const redirectUri =
      typeof options.redirectUri === "function" ? options.redirectUri() : options.redirectUri;
    parseLoopbackRedirectUri(name, redirectUri);
    const loginHint = options.loginHint ?? options.authenticationRecord?.username;
    const flow = { ...options, redirectUri, loginHint };
    // The browser flow (loopback server, PKCE, browser launcher) loads at the first sign-in.
    super(name, options, async (client, request) =>
      (await import("../oauth/browser_flow.js")).signInWithBrowser(client, request, flow),
    );
  }
}
