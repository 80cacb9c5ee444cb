import { messageOf } from "../errors.js";
import { openSystemBrowser } from "../process/browser.js";
import type { InternalOptions } from "../types.js";
import { buildAuthorizeUrl } from "./authorize.js";
import { authorizationCodeGrant } from "./grants.js";
import { startLoopbackServer, type LoopbackOptions } from "./loopback.js";
import { createPkcePair, createState } from "./pkce.js";
import type { TokenClient } from "./token_client.js";
import type { TokenResult } from "./token_response.js";
import { writeToStderr, type InteractionRequest } from "./user_session.js";

/** The credential's options (seams included), with its redirect URI and login hint resolved. */
export type BrowserFlowOptions = InternalOptions & LoopbackOptions & { loginHint?: string };

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
  const server = await startLoopbackServer(name, state, request.signal, options);
  let code: string;
  try {
    const url = buildAuthorizeUrl(client.authority, {
      ...request,
      clientId: client.clientId,
      redirectUri: server.redirectUri,
      state,
      codeChallenge: pkce.challenge,
      loginHint: options.loginHint,
    });
    const open = options.openBrowser ?? ((url: string) => openSystemBrowser(name, url, options));
    const opened = await Promise.resolve()
      .then(() => open(url))
      .catch((error: unknown) => {
        client.logger.warning(`the browser could not be opened: ${messageOf(error)}`);
        return false;
      });
    const printLine = options.printLine ?? writeToStderr;
    if (!opened) printLine(`${name}: could not open a browser. To sign in, open this URL: ${url}`);
    code = await server.code;
  } finally {
    await server.close();
  }
  const grant = authorizationCodeGrant(request.scopes, code, server.redirectUri, pkce.verifier);
  return client.request(request.tenantId, grant, request);
}
