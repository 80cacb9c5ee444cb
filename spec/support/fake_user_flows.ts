import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { entraError, json } from "./entra_reply.js";
import type { FakeApp, FakeEntra, RecordedRequest } from "./fake_entra.js";

/** The user who signs in at the fake. */
export interface FakeUser {
  username: string;
  objectId: string;
  homeTenantId: string;
}

/** An authorization code and what it is bound to. */
interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string | undefined;
  used: boolean;
}

/** A device authorization in progress. */
interface DeviceGrant {
  clientId: string;
  userCode: string;
  scope: string;
  status: "pending" | "approved" | "declined";
  expiresAt: number;
}

const OIDC = new Set(["openid", "profile", "offline_access"]);
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

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function isLoopback(uri: URL): boolean {
  return uri.protocol === "http:" && (uri.hostname === "localhost" || uri.hostname === "127.0.0.1");
}

/** Entra's loopback rule: for `http://localhost` and `http://127.0.0.1` the port is ignored. */
function redirectUriRegistered(app: FakeApp, redirectUri: string): boolean {
  let asked: URL;
  try {
    asked = new URL(redirectUri);
  } catch {
    return false;
  }
  return (app.redirectUris ?? []).some((registered) => {
    if (registered === redirectUri) return true;
    const known = new URL(registered);
    return (
      isLoopback(asked) &&
      isLoopback(known) &&
      asked.hostname === known.hostname &&
      asked.pathname === known.pathname
    );
  });
}

/**
 * The delegated side of the fake Entra: `/authorize` (PKCE S256, state, registered redirect URIs),
 * `/devicecode`, single-use codes bound to their challenge and redirect URI, refresh tokens that
 * rotate (the previous one stops working), and on-behalf-of exchanges of issued user tokens.
 */
export class FakeUserFlows {
  user: FakeUser = {
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
  readonly refreshTokens = new Map<string, { clientId: string; live: boolean }>();
  readonly #codes = new Map<string, IssuedCode>();
  readonly #devices = new Map<string, DeviceGrant>();
  readonly #fake: FakeEntra;

  constructor(fake: FakeEntra) {
    this.#fake = fake;
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

  /** `GET /{tenant}/oauth2/v2.0/authorize`: the user signs in at once and is redirected with a code. */
  authorize(tenantId: string, url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const app = this.#fake.app(q.get("client_id") ?? undefined);
    if (!app)
      return entraError(
        res,
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${q.get("client_id") ?? ""}' was not found in the directory.`,
      );
    if (!this.#fake.tenantAccepts(app, tenantId, true))
      return entraError(res, 400, "invalid_request", 90002, `Tenant '${tenantId}' not found.`);
    const redirectUri = q.get("redirect_uri") ?? "";
    if (!redirectUriRegistered(app, redirectUri)) {
      return entraError(
        res,
        400,
        "invalid_request",
        50011,
        `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'.`,
      );
    }
    const back = new URL(redirectUri);
    const state = q.get("state");
    const fail = (error: string, code: number, description: string) => {
      back.searchParams.set("error", error);
      back.searchParams.set("error_description", `AADSTS${code}: ${description}`);
      if (state !== null) back.searchParams.set("state", state);
      res.writeHead(302, { Location: back.toString(), "Content-Length": 0 });
      res.end();
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
    const code = `fake-code.${randomBytes(24).toString("base64url")}`;
    this.#codes.set(code, { clientId: app.clientId, redirectUri, challenge, used: false });
    back.searchParams.set("code", code);
    back.searchParams.set("state", state);
    res.writeHead(302, { Location: back.toString(), "Content-Length": 0 });
    res.end();
  }

  /** `POST /{tenant}/oauth2/v2.0/devicecode`. */
  deviceCode(tenantId: string, record: RecordedRequest, res: ServerResponse): void {
    const form = record.form;
    const app = this.#fake.app(form.client_id);
    if (!app)
      return entraError(
        res,
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${form.client_id ?? ""}' was not found in the directory.`,
      );
    if (!this.#fake.tenantAccepts(app, tenantId, true))
      return entraError(res, 400, "invalid_request", 90002, `Tenant '${tenantId}' not found.`);
    if (!form.scope)
      return entraError(
        res,
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'scope'.",
      );
    const deviceCode = `fake-device-code.${randomBytes(24).toString("base64url")}`;
    const userCode = randomBytes(6).toString("hex").toUpperCase().slice(0, 9);
    this.#devices.set(deviceCode, {
      clientId: app.clientId,
      userCode,
      scope: form.scope,
      status: "pending",
      expiresAt: Date.now() + this.device.expiresIn * 1000,
    });
    json(res, 200, {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: "https://microsoft.com/devicelogin",
      expires_in: this.device.expiresIn,
      interval: this.device.interval,
      message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${userCode} to authenticate.`,
    });
  }

  /** The user grants at the token endpoint; the client is already authenticated. */
  token(app: FakeApp, tenantId: string, form: Record<string, string>, res: ServerResponse): void {
    if (form.claims !== undefined) {
      try {
        JSON.parse(form.claims);
      } catch {
        return entraError(
          res,
          400,
          "invalid_request",
          90014,
          "The claims parameter is not valid JSON.",
        );
      }
    }
    switch (form.grant_type) {
      case "authorization_code":
        return this.#redeemCode(app, tenantId, form, res);
      case "refresh_token":
        return this.#refresh(app, tenantId, form, res);
      case "urn:ietf:params:oauth:grant-type:device_code":
        return this.#pollDevice(app, tenantId, form, res);
      default:
        return this.#onBehalfOf(app, tenantId, form, res);
    }
  }

  #redeemCode(
    app: FakeApp,
    tenantId: string,
    form: Record<string, string>,
    res: ServerResponse,
  ): void {
    const issued = form.code ? this.#codes.get(form.code) : undefined;
    if (!issued || issued.clientId !== app.clientId)
      return entraError(
        res,
        400,
        "invalid_grant",
        9002313,
        "Invalid request. Request is malformed or invalid.",
      );
    if (issued.used) {
      return entraError(
        res,
        400,
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
      );
    }
    issued.used = true;
    if (form.redirect_uri !== issued.redirectUri) {
      return entraError(
        res,
        400,
        "invalid_grant",
        500112,
        "The reply address does not match the reply address provided when requesting the authorization code.",
      );
    }
    if (issued.challenge !== undefined) {
      const verifier = form.code_verifier ?? "";
      if (createHash("sha256").update(verifier).digest("base64url") !== issued.challenge) {
        return entraError(
          res,
          400,
          "invalid_grant",
          501481,
          "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        );
      }
    }
    this.#issue(app, tenantId, form, res);
  }

  #refresh(
    app: FakeApp,
    tenantId: string,
    form: Record<string, string>,
    res: ServerResponse,
  ): void {
    const entry = form.refresh_token ? this.refreshTokens.get(form.refresh_token) : undefined;
    if (!entry || entry.clientId !== app.clientId)
      return entraError(
        res,
        400,
        "invalid_grant",
        9002313,
        "Invalid request. Request is malformed or invalid.",
      );
    if (!entry.live)
      return entraError(
        res,
        400,
        "invalid_grant",
        50173,
        "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
      );
    entry.live = false;
    this.#issue(app, tenantId, form, res);
  }

  #pollDevice(
    app: FakeApp,
    tenantId: string,
    form: Record<string, string>,
    res: ServerResponse,
  ): void {
    const grant = form.device_code ? this.#devices.get(form.device_code) : undefined;
    if (!grant || grant.clientId !== app.clientId)
      return entraError(res, 400, "invalid_grant", 70019, "Verification code expired or invalid.");
    const scripted = this.devicePollScript.shift();
    if (scripted === "slow_down")
      return entraError(res, 400, "slow_down", 70016, "Polling too fast; slow down.");
    if (scripted === "authorization_pending")
      return entraError(
        res,
        400,
        "authorization_pending",
        70016,
        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
      );
    if (scripted === "expired_token" || Date.now() > grant.expiresAt) {
      return entraError(
        res,
        400,
        "expired_token",
        70020,
        "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
      );
    }
    if (grant.status === "declined")
      return entraError(
        res,
        400,
        "authorization_declined",
        70000,
        "The user denied the authorization request.",
      );
    if (grant.status === "pending")
      return entraError(
        res,
        400,
        "authorization_pending",
        70016,
        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
      );
    this.#devices.delete(form.device_code!);
    this.#issue(app, tenantId, { ...form, scope: grant.scope }, res);
  }

  #onBehalfOf(
    app: FakeApp,
    tenantId: string,
    form: Record<string, string>,
    res: ServerResponse,
  ): void {
    if (form.requested_token_use !== "on_behalf_of") {
      return entraError(
        res,
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'requested_token_use'.",
      );
    }
    if (!form.assertion)
      return entraError(
        res,
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'assertion'.",
      );
    if (!this.userAccessTokens.has(form.assertion))
      return entraError(res, 400, "invalid_grant", 50013, "Assertion failed signature validation.");
    this.#issue(app, tenantId, form, res);
  }

  #issue(app: FakeApp, tenantId: string, form: Record<string, string>, res: ServerResponse): void {
    const scopes = (form.scope ?? "").split(" ").filter((s) => s && !OIDC.has(s));
    if (scopes.length === 0)
      return entraError(
        res,
        400,
        "invalid_scope",
        70011,
        "The provided request must include a 'scope' input parameter.",
      );
    const homeTenant = this.user.homeTenantId || app.tenantId;
    const tid = tenantId === "common" || tenantId === "organizations" ? homeTenant : tenantId;
    const issued = this.#fake.issuedTokens;
    const accessToken = `fake-user-at.${b64json({ scp: scopes.join(" "), tid, oid: this.user.objectId, appid: app.clientId, grant: form.grant_type, n: issued.length })}`;
    issued.push(accessToken);
    this.userAccessTokens.add(accessToken);
    const refreshToken = `fake-rt.${randomBytes(24).toString("base64url")}`;
    this.refreshTokens.set(refreshToken, { clientId: app.clientId, live: true });
    const idToken = `${b64json({ alg: "none", typ: "JWT" })}.${b64json({
      aud: app.clientId,
      iss: `${this.#fake.url}/${tid}/v2.0`,
      tid,
      oid: this.user.objectId,
      preferred_username: this.user.username,
      nonce: randomUUID(),
    })}.`;
    const reply: Record<string, unknown> = {
      token_type: "Bearer",
      scope: scopes.join(" "),
      expires_in: app.expiresIn ?? 3599,
      ext_expires_in: 3599,
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: b64json({ uid: this.user.objectId, utid: homeTenant }),
    };
    if (app.refreshIn !== undefined) reply.refresh_in = app.refreshIn;
    json(res, 200, reply);
  }
}
