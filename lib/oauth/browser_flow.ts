import { buildAuthorizeUrl } from "./authorize.js";
import { authorizationCodeGrant } from "./grants.js";
import { startLoopbackServer } from "./loopback.js";
import { createPkcePair, createState } from "./pkce.js";
import type { TokenClient } from "./token_client.js";
import type { TokenResult } from "./token_response.js";
import type { InteractionRequest } from "./user_session.js";

/** Settings of a browser sign-in. */
export interface BrowserFlowOptions {
  /** Configured redirect URI; default `http://localhost:<random port>`. */
  redirectUri?: string;
  loginHint?: string;
  /** Opens a URL for the user; resolves false when it could not. */
  openBrowser: (url: string) => Promise<boolean> | boolean;
  /** Receives the sign-in URL when no browser could be opened. */
  printLine: (line: string) => void;
  /** How long the user has to sign in. */
  signInTimeoutMs?: number;
}

/**
 * Signs a user in with the system browser: the authorization code flow with PKCE S256 and a
 * `state`, a loopback server for the reply (closed on every outcome before the code is redeemed),
 * then the code redeemed once at the token endpoint.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
 */
export async function signInWithBrowser(
  client: TokenClient,
  request: InteractionRequest,
  options: BrowserFlowOptions,
): Promise<TokenResult> {
  const name = client.credentialName;
  const pkce = createPkcePair();
  const state = createState();
  const server = await startLoopbackServer({
    credentialName: name,
    expectedState: state,
    redirectUri: options.redirectUri,
    timeoutMs: options.signInTimeoutMs,
    signal: request.signal,
  });
  let code: string;
  try {
    const url = buildAuthorizeUrl(client.authority, {
      tenantId: request.tenantId,
      clientId: client.clientId,
      redirectUri: server.redirectUri,
      scopes: request.scopes,
      state,
      codeChallenge: pkce.challenge,
      loginHint: options.loginHint,
      claims: request.claims,
    });
    const opened = await Promise.resolve()
      .then(() => options.openBrowser(url))
      .catch((error: unknown) => {
        client.logger.warning(
          `the browser could not be opened: ${error instanceof Error ? error.message : String(error)}`,
        );
        return false;
      });
    if (!opened)
      options.printLine(`${name}: could not open a browser. To sign in, open this URL: ${url}`);
    code = await server.code;
  } finally {
    await server.close();
  }
  const grant = authorizationCodeGrant(request.scopes, code, server.redirectUri, pkce.verifier);
  return client.request(request.tenantId, grant, request);
}
