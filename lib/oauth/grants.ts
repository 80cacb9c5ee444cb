import type { FormFields } from "./form.js";

/** The OIDC scopes user flows add so that a refresh token and account come back. */
export const OIDC_SCOPES = ["openid", "profile", "offline_access"] as const;

/** The `grant_type` of the on-behalf-of flow and of client assertions. */
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** The `grant_type` of the device code flow. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** The `scope` parameter of user flows: the requested scopes plus {@link OIDC_SCOPES}, each once. */
export function withOidc(scopes: readonly string[]): string {
  const rest = scopes.filter((s) => !(OIDC_SCOPES as readonly string[]).includes(s));
  return [...rest, ...OIDC_SCOPES].join(" ");
}

function onlyResourceScopes(scopes: readonly string[]): string {
  return scopes.filter((s) => !(OIDC_SCOPES as readonly string[]).includes(s)).join(" ");
}

/** The grant-specific fields of a token request; client id, client authentication and claims are added by the core. */
export interface Grant {
  /** The value of `grant_type`, for logs and tests. */
  readonly type: string;
  /** The fields, in wire order. */
  readonly fields: FormFields;
  /** Values in `fields` that are secrets and must be redacted from any diagnostic text. */
  readonly secrets: readonly string[];
}

/** `client_credentials`: an application token for `scopes` (each `…/.default`). */
export function clientCredentialsGrant(scopes: readonly string[]): Grant {
  return {
    type: "client_credentials",
    fields: { scope: onlyResourceScopes(scopes), grant_type: "client_credentials" },
    secrets: [],
  };
}

/** On-behalf-of: exchanges a user's access token sent to a middle-tier API for a downstream token. */
export function onBehalfOfGrant(scopes: readonly string[], userAssertion: string): Grant {
  return {
    type: "on_behalf_of",
    fields: {
      scope: withOidc(scopes),
      grant_type: JWT_BEARER_GRANT,
      client_info: "1",
      requested_token_use: "on_behalf_of",
      assertion: userAssertion,
    },
    secrets: [userAssertion],
  };
}

/** `authorization_code`: redeems a code once; `codeVerifier` completes PKCE (RFC 7636). */
export function authorizationCodeGrant(
  scopes: readonly string[],
  code: string,
  redirectUri: string,
  codeVerifier?: string,
): Grant {
  const fields: FormFields = {
    scope: withOidc(scopes),
    redirect_uri: redirectUri,
    grant_type: "authorization_code",
    code,
    client_info: "1",
  };
  if (codeVerifier !== undefined) fields.code_verifier = codeVerifier;
  return {
    type: "authorization_code",
    fields,
    secrets: codeVerifier ? [code, codeVerifier] : [code],
  };
}

/** `refresh_token`: silent renewal of a user's tokens. */
export function refreshTokenGrant(scopes: readonly string[], refreshToken: string): Grant {
  return {
    type: "refresh_token",
    fields: {
      scope: withOidc(scopes),
      grant_type: "refresh_token",
      client_info: "1",
      refresh_token: refreshToken,
    },
    secrets: [refreshToken],
  };
}

/** `password` (ROPC): a user's name and password, for legacy automation only. */
export function passwordGrant(
  scopes: readonly string[],
  username: string,
  password: string,
): Grant {
  return {
    type: "password",
    fields: {
      scope: withOidc(scopes),
      grant_type: "password",
      username: username,
      password: password,
      client_info: "1",
    },
    secrets: [password],
  };
}

/** Device code polling (RFC 8628 §3.4). */
export function deviceCodeGrant(deviceCode: string): Grant {
  return {
    type: "device_code",
    fields: { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_info: "1" },
    secrets: [deviceCode],
  };
}
