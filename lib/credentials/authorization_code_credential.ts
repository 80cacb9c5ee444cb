import { AuthenticationError, authenticationFailure, InvalidArgumentError } from "../errors.js";
import type { ClientAuthentication } from "../oauth/client_auth.js";
import { authorizationCodeGrant } from "../oauth/grants.js";
import { CODE_VERIFIER_PATTERN } from "../oauth/pkce.js";
import { checkTenantId } from "../oauth/tenant.js";
import { TokenClient } from "../oauth/token_client.js";
import { UserSession, type Interaction } from "../oauth/user_session.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../types.js";
import { requireString } from "./arguments.js";
import { UserCredential } from "./user_credential_base.js";

/** Options of {@link AuthorizationCodeCredential}. */
export interface AuthorizationCodeCredentialOptions
  extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {
  /**
   * The PKCE code verifier (RFC 7636) whose challenge the application sent to `/authorize`;
   * 43–128 characters of `A–Z a–z 0–9 - . _ ~`. Required by Entra when a challenge was sent.
   */
  codeVerifier?: string;
}

const NAME = "AuthorizationCodeCredential";

/**
 * Redeems an authorization code that a web application received at its redirect URI, exactly
 * once (on the first `getToken`), then keeps the refresh token in memory and uses it for renewals,
 * other scopes, tenants and claims challenges. Entra refuses a reused or expired code, a wrong
 * redirect URI or verifier with `invalid_grant`.
 *
 * @example
 * ```ts
 * const credential = new AuthorizationCodeCredential(tenantId, clientId, clientSecret, code, "https://app.example/callback");
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
 */
export class AuthorizationCodeCredential extends UserCredential {
  /**
   * A confidential client (a web app with a client secret).
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a missing or malformed argument.
   */
  constructor(
    tenantId: string,
    clientId: string,
    clientSecret: string,
    authorizationCode: string,
    redirectUri: string,
    options?: AuthorizationCodeCredentialOptions,
  );
  /**
   * A public client (no secret), usually with `options.codeVerifier`.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a missing or malformed argument.
   */
  constructor(
    tenantId: string,
    clientId: string,
    authorizationCode: string,
    redirectUri: string,
    options?: AuthorizationCodeCredentialOptions,
  );
  constructor(
    tenantId: string,
    clientId: string,
    secretOrCode: string,
    codeOrRedirectUri: string,
    redirectUriOrOptions?: string | AuthorizationCodeCredentialOptions,
    maybeOptions?: AuthorizationCodeCredentialOptions,
  ) {
    const confidential = typeof redirectUriOrOptions === "string";
    const [clientSecret, authorizationCode, redirect, options = {}] = confidential
      ? [secretOrCode, codeOrRedirectUri, redirectUriOrOptions, maybeOptions]
      : [undefined, secretOrCode, codeOrRedirectUri, redirectUriOrOptions];
    const auth: ClientAuthentication = confidential
      ? { kind: "secret", secret: requireString(NAME, "clientSecret", clientSecret) }
      : { kind: "none" };
    let code: string | undefined = requireString(NAME, "authorizationCode", authorizationCode);
    const redirectUri = requireString(NAME, "redirectUri", redirect);
    checkTenantId(NAME, tenantId);
    requireString(NAME, "clientId", clientId);
    if (!URL.canParse(redirectUri))
      throw new InvalidArgumentError(
        `${NAME}: "redirectUri" must be an absolute URL, exactly as registered.`,
      );
    const verifier = options.codeVerifier;
    const wellFormed = typeof verifier === "string" && CODE_VERIFIER_PATTERN.test(verifier);
    if (verifier !== undefined && !wellFormed) {
      throw new InvalidArgumentError(
        `${NAME}: "codeVerifier" must be 43-128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~" (RFC 7636 §4.1).`,
      );
    }
    let redemptionError: unknown;
    const redeemOnce: Interaction = async (client, request) => {
      const once = code;
      code = undefined;
      if (once === undefined) {
        if (redemptionError !== undefined) throw redemptionError;
        if (request.reason.cause instanceof AuthenticationError) throw request.reason.cause;
        throw authenticationFailure(
          NAME,
          "invalid_grant",
          "the authorization code was already redeemed and no refresh token is left; get a new authorization code and create a new credential.",
        );
      }
      const grant = authorizationCodeGrant(request.scopes, once, redirectUri, verifier);
      return client.request(request.tenantId, grant, request).catch((error: unknown) => {
        redemptionError = error;
        throw error;
      });
    };
    const client = new TokenClient(NAME, tenantId, clientId, auth, options);
    super(new UserSession(client, tenantId, redeemOnce), options);
  }
}
