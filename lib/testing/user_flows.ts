/**
 * The delegated side of the emulator: `/authorize` (a sign-in page, or an immediate redirect),
 * PKCE S256, state, registered redirect URIs, `/devicecode`, single-use codes bound to their
 * challenge and redirect URI, refresh tokens that rotate (the previous one stops working), and
 * on-behalf-of exchanges of issued user tokens.
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { redirectUriRegistered, tenantAccepts, type Application } from "./directory.js";
import type { EmulatorCore } from "./emulator_core.js";
import {
  failure,
  sendFailure,
  sendHtml,
  sendJson,
  sendRedirect,
  type EntraFailure,
} from "./replies.js";
import { signInPage } from "./sign_in_page.js";

/** The user who signs in at `/authorize` and the device-code page. */
export interface SignedInUser {
  username: string;
  objectId: string;
  /** Empty: the tenant of the app. */
  homeTenantId: string;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string | undefined;
  used: boolean;
  expiresAt: number;
  user: SignedInUser;
}

interface DeviceGrant {
  clientId: string;
  userCode: string;
  scope: string;
  status: "pending" | "approved" | "declined";
  expiresAt: number;
}

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const USER_GRANTS = new Set([
  "authorization_code",
  "refresh_token",
  "urn:ietf:params:oauth:grant-type:device_code",
  "urn:ietf:params:oauth:grant-type:jwt-bearer",
]);

/** Whether a `grant_type` is one of the user (delegated) grants. */
export function isUserGrant(grantType: string): boolean {
  return USER_GRANTS.has(grantType);
}

const unknownApp = (clientId: string) =>
  failure(
    400,
    "unauthorized_client",
    700016,
    `Application with identifier '${clientId}' was not found in the directory.`,
  );

/** Authorization codes, device codes, refresh tokens and OBO, with the signed-in user. */
export class UserFlows {
  /** Who signs in (the first user registered, or this default). */
  user: SignedInUser = {
    username: "ada@contoso.example",
    objectId: "00000000-0000-4000-8000-0000000000ad",
    homeTenantId: "",
  };
  /** Interval and lifetime the device code endpoint announces. */
  device = { interval: 0, expiresIn: 900 };
  /** OAuth errors the next device-code polls answer with, before the grant's real state applies. */
  readonly devicePollScript: string[] = [];
  /** User access tokens issued so far: valid `assertion`s for on-behalf-of. */
  readonly userAccessTokens = new Set<string>();
  /** Refresh tokens issued so far, and whether each still works. */
  readonly refreshTokens = new Map<
    string,
    { clientId: string; live: boolean; user: SignedInUser }
  >();
  /** How long codes live, in milliseconds. */
  codeLifetimeMs = CODE_LIFETIME_MS;
  readonly #codes = new Map<string, IssuedCode>();
  readonly #devices = new Map<string, DeviceGrant>();
  readonly #core: EmulatorCore;

  /** @param core - the emulator these flows belong to. */
  constructor(core: EmulatorCore) {
    this.#core = core;
  }

  /** Revokes every refresh token, as a password reset or an admin would. */
  revokeRefreshTokens(): void {
    for (const entry of this.refreshTokens.values()) entry.live = false;
  }

  /** The user approves (or declines) the device sign-in showing `userCode`. */
  completeDeviceSignIn(userCode: string, approve = true): void {
    for (const grant of this.#devices.values())
      if (grant.userCode === userCode) grant.status = approve ? "approved" : "declined";
  }

  /**
   * `/{tenant}/oauth2/v2.0/authorize`. A GET shows the sign-in page (or, when the emulator signs in
   * at once, redirects with a code); the page's POST signs in and redirects.
   */
  authorize(tenantId: string, q: URLSearchParams, res: ServerResponse, submitted: boolean): void {
    const app = this.#core.application(q.get("client_id") ?? undefined);
    if (!app) return sendFailure(res, unknownApp(q.get("client_id") ?? ""));
    if (!tenantAccepts(app, tenantId, true))
      return sendFailure(
        res,
        failure(400, "invalid_request", 90002, `Tenant '${tenantId}' not found.`),
      );
    const redirectUri = q.get("redirect_uri") ?? "";
    if (!redirectUriRegistered(app, redirectUri)) {
      return sendFailure(
        res,
        failure(
          400,
          "invalid_request",
          50011,
          `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'.`,
        ),
      );
    }
    const back = new URL(redirectUri);
    const state = q.get("state");
    const fail = (error: string, code: number, description: string) => {
      back.searchParams.set("error", error);
      back.searchParams.set("error_description", `AADSTS${code}: ${description}`);
      if (state !== null) back.searchParams.set("state", state);
      sendRedirect(res, back.toString());
    };
    if (q.get("response_type") !== "code")
      return fail("unsupported_response_type", 70005, "The response_type 'code' is required.");
    if (!state)
      return fail("invalid_request", 900144, "The request must contain the parameter 'state'.");
    const challenge = q.get("code_challenge") ?? undefined;
    if (challenge !== undefined && q.get("code_challenge_method") !== "S256")
      return fail("invalid_request", 50148, "Only the S256 code_challenge_method is accepted.");
    if (app.publicClient && challenge === undefined)
      return fail(
        "invalid_request",
        9002325,
        "Proof Key for Code Exchange is required for this client.",
      );
    if (q.get("prompt") === "none")
      return fail(
        "login_required",
        50058,
        "A silent sign-in request was sent but no user is signed in.",
      );
    let user = this.user;
    if (submitted) {
      const known = this.#core.users.get(q.get("username") ?? "");
      if (known)
        user = {
          username: known.username,
          objectId: known.objectId ?? user.objectId,
          homeTenantId: known.tenantId ?? "",
        };
      else if (q.get("username") && q.get("username") !== user.username)
        return fail("access_denied", 50034, "The user account does not exist in this directory.");
    } else if (this.#core.interactiveSignIn) {
      return sendHtml(res, 200, signInPage(q, this.user.username));
    }
    const code = `code.${randomBytes(24).toString("base64url")}`;
    this.#codes.set(code, {
      clientId: app.clientId,
      redirectUri,
      challenge,
      used: false,
      expiresAt: Date.now() + this.codeLifetimeMs,
      user,
    });
    back.searchParams.set("code", code);
    back.searchParams.set("state", state);
    sendRedirect(res, back.toString());
  }

  /** `POST /{tenant}/oauth2/v2.0/devicecode`. */
  deviceCode(tenantId: string, form: Record<string, string>, res: ServerResponse): void {
    const app = this.#core.application(form.client_id);
    if (!app) return sendFailure(res, unknownApp(form.client_id ?? ""));
    if (!tenantAccepts(app, tenantId, true))
      return sendFailure(
        res,
        failure(400, "invalid_request", 90002, `Tenant '${tenantId}' not found.`),
      );
    if (!form.scope)
      return sendFailure(
        res,
        failure(
          400,
          "invalid_request",
          900144,
          "The request body must contain the following parameter: 'scope'.",
        ),
      );
    const deviceCode = `device.${randomBytes(24).toString("base64url")}`;
    const userCode = randomBytes(6).toString("hex").toUpperCase().slice(0, 9);
    this.#devices.set(deviceCode, {
      clientId: app.clientId,
      userCode,
      scope: form.scope,
      status: this.#core.deviceAutoApprove ? "approved" : "pending",
      expiresAt: Date.now() + this.device.expiresIn * 1000,
    });
    sendJson(res, 200, {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: "https://microsoft.com/devicelogin",
      expires_in: this.device.expiresIn,
      interval: this.device.interval,
      message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${userCode} to authenticate.`,
    });
  }

  /** The user grants at the token endpoint; the client is already authenticated. */
  token(
    app: Application,
    tenantId: string,
    form: Record<string, string>,
    res: ServerResponse,
  ): void {
    const answer = (result: EntraFailure | SignedInUser, scope = form.scope) =>
      "error" in result
        ? sendFailure(res, result)
        : this.#core.issueUserTokens(app, tenantId, { ...form, scope: scope ?? "" }, result, res);
    switch (form.grant_type) {
      case "authorization_code":
        return answer(this.#redeemCode(app, form));
      case "refresh_token":
        return answer(this.#refresh(app, form));
      case "urn:ietf:params:oauth:grant-type:device_code": {
        const polled = this.#pollDevice(app, form);
        return "error" in polled ? sendFailure(res, polled) : answer(this.user, polled.scope);
      }
      default:
        return answer(this.#onBehalfOf(form));
    }
  }

  /** Records a refresh token issued to `clientId` for `user`. */
  newRefreshToken(clientId: string, user: SignedInUser): string {
    const refreshToken = `rt.${randomBytes(32).toString("base64url")}`;
    this.refreshTokens.set(refreshToken, { clientId, live: true, user });
    return refreshToken;
  }

  #redeemCode(app: Application, form: Record<string, string>): EntraFailure | SignedInUser {
    const issued = form.code ? this.#codes.get(form.code) : undefined;
    if (!issued || issued.clientId !== app.clientId)
      return failure(
        400,
        "invalid_grant",
        9002313,
        "Invalid request. Request is malformed or invalid.",
      );
    if (issued.used)
      return failure(
        400,
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
      );
    issued.used = true;
    if (Date.now() > issued.expiresAt)
      return failure(
        400,
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
      );
    if (form.redirect_uri !== issued.redirectUri)
      return failure(
        400,
        "invalid_grant",
        500112,
        "The reply address does not match the reply address provided when requesting the authorization code.",
      );
    if (issued.challenge !== undefined) {
      const verifier = form.code_verifier ?? "";
      if (createHash("sha256").update(verifier).digest("base64url") !== issued.challenge)
        return failure(
          400,
          "invalid_grant",
          501481,
          "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        );
    }
    return issued.user;
  }

  #refresh(app: Application, form: Record<string, string>): EntraFailure | SignedInUser {
    const entry = form.refresh_token ? this.refreshTokens.get(form.refresh_token) : undefined;
    if (!entry || entry.clientId !== app.clientId)
      return failure(
        400,
        "invalid_grant",
        9002313,
        "Invalid request. Request is malformed or invalid.",
      );
    if (!entry.live)
      return failure(
        400,
        "invalid_grant",
        50173,
        "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
      );
    entry.live = false;
    return entry.user;
  }

  #pollDevice(app: Application, form: Record<string, string>): EntraFailure | DeviceGrant {
    const grant = form.device_code ? this.#devices.get(form.device_code) : undefined;
    if (!grant || grant.clientId !== app.clientId)
      return failure(400, "invalid_grant", 70019, "Verification code expired or invalid.");
    const scripted = this.devicePollScript.shift();
    const pending = failure(
      400,
      "authorization_pending",
      70016,
      "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
    );
    if (scripted === "slow_down")
      return failure(400, "slow_down", 70016, "Polling too fast; slow down.");
    if (scripted === "authorization_pending") return pending;
    if (scripted === "expired_token" || Date.now() > grant.expiresAt)
      return failure(
        400,
        "expired_token",
        70020,
        "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
      );
    if (grant.status === "declined")
      return failure(
        400,
        "authorization_declined",
        70000,
        "The user denied the authorization request.",
      );
    if (grant.status === "pending") return pending;
    this.#devices.delete(form.device_code!);
    return grant;
  }

  #onBehalfOf(form: Record<string, string>): EntraFailure | SignedInUser {
    const missing = (name: string) =>
      failure(
        400,
        "invalid_request",
        900144,
        `The request body must contain the following parameter: '${name}'.`,
      );
    if (form.requested_token_use !== "on_behalf_of") return missing("requested_token_use");
    if (!form.assertion) return missing("assertion");
    if (!this.userAccessTokens.has(form.assertion))
      return failure(400, "invalid_grant", 50013, "Assertion failed signature validation.");
    return this.user;
  }
}
