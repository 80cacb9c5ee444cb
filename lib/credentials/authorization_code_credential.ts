import { AuthenticationError, authenticationFailure, InvalidArgumentError } from "../errors.js";
import { authorizationCodeGrant } from "../oauth/grants.js";
import { CODE_VERIFIER_PATTERN } from "../oauth/pkce.js";
import { checkTenantId } from "../oauth/tenant.js";
import { TokenClient } from "../oauth/token_client.js";
import { UserSession, type Interaction } from "../oauth/user_session.js";
import type {
  AccessToken,
  AuthorityValidationOptions,
  GetTokenOptions,
  MultiTenantTokenCredentialOptions,
  TokenCredential,
} from "../types.js";
import { requireString } from "./arguments.js";

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
 * once, then keeps the refresh token in memory and uses it for renewals and other scopes.
 *
 * @example
 * ```ts
 * const credential = new AuthorizationCodeCredential(tenantId, clientId, clientSecret, code, "https://app.example/callback");
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
 */
export class AuthorizationCodeCredential implements TokenCredential {
  readonly #session: UserSession;
  readonly #interaction: Interaction;
  #code: string | undefined;
  #redemptionError: unknown;

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
    const clientSecret = confidential
      ? requireString(NAME, "clientSecret", secretOrCode)
      : undefined;
    this.#code = requireString(
      NAME,
      "authorizationCode",
      confidential ? codeOrRedirectUri : secretOrCode,
    );
    const redirectUri = requireString(
      NAME,
      "redirectUri",
      confidential ? redirectUriOrOptions : codeOrRedirectUri,
    );
    const options = (confidential ? maybeOptions : redirectUriOrOptions) ?? {};
    checkTenantId(NAME, tenantId);
    requireString(NAME, "clientId", clientId);
    if (!URL.canParse(redirectUri))
      throw new InvalidArgumentError(
        `${NAME}: "redirectUri" must be an absolute URL, exactly as registered.`,
      );
    const verifier = options.codeVerifier;
    if (
      verifier !== undefined &&
      (typeof verifier !== "string" || !CODE_VERIFIER_PATTERN.test(verifier))
    ) {
      throw new InvalidArgumentError(
        `${NAME}: "codeVerifier" must be 43-128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~" (RFC 7636 §4.1).`,
      );
    }
    const auth =
      clientSecret === undefined
        ? { kind: "none" as const }
        : { kind: "secret" as const, secret: clientSecret };
    const client = new TokenClient(NAME, tenantId, clientId, auth, options);
    this.#session = new UserSession(client, tenantId);
    this.#interaction = async (client, request) => {
      const code = this.#code;
      this.#code = undefined;
      if (code === undefined) {
        const cause = request.reason.cause;
        throw (
          this.#redemptionError ??
          (cause instanceof AuthenticationError
            ? cause
            : authenticationFailure(
                NAME,
                "invalid_grant",
                "the authorization code was already redeemed and no refresh token is left; get a new authorization code and create a new credential.",
              ))
        );
      }
      const grant = authorizationCodeGrant(request.scopes, code, redirectUri, verifier);
      try {
        return await client.request(request.tenantId, grant, request);
      } catch (error) {
        this.#redemptionError = error;
        throw error;
      }
    };
  }

  /**
   * Gets a user token: the first call redeems the code; later calls are served from the cache or
   * renewed with the refresh token (also for other scopes, tenants and claims challenges).
   *
   * @throws AuthenticationError when Entra refuses the code (`invalid_grant`: reused, expired, wrong redirect URI or verifier) or the refresh token.
   */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#session.getToken(scopes, options, this.#interaction);
  }

  /** Forgets tokens and releases sockets. */
  async close(): Promise<void> {
    this.#session.close();
  }

  /** Same as {@link AuthorizationCodeCredential.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
