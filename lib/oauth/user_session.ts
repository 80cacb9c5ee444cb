import type { PersistentTokenStore } from "../cache/token_store.js";
import type { AuthenticationRequiredError } from "../errors.js";
import type { AccessToken, GetTokenOptions } from "../types.js";
import type { AuthenticationRecord } from "./authentication_record.js";
import type { RequestSettings, TokenClient } from "./token_client.js";
import type { TokenResult } from "./token_response.js";
import type { UserSessionState } from "./user_session_state.js";

/** What an interactive step is asked to do: `signal` fires when the caller aborts or the credential is closed. */
export interface InteractionRequest extends RequestSettings {
  /** The scopes of the `getToken` or `authenticate` call. */
  scopes: string[];
  /** The resolved tenant. */
  tenantId: string;
  /** Why silent authentication did not work; carries the refused refresh as `cause`. */
  reason: AuthenticationRequiredError;
}

/** Gets tokens with the user's help: a browser sign-in, a device code, or redeeming a code. */
export type Interaction = (
  client: TokenClient,
  request: InteractionRequest,
) => Promise<TokenResult>;

/** What a session is made with; see the {@link UserSession} constructor. */
export interface SessionSettings {
  client: TokenClient;
  defaultTenantId: string;
  interaction: Interaction;
  automatic: boolean;
}

/** Writes one line for the user to stderr: the default `printLine` of the user flows. */
export function writeToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * The signed-in user of one credential: access tokens cached per tenant, scopes and CAE; the
 * refresh token kept in memory (replaced whenever Entra rotates it) and used for silent renewal,
 * new scopes and claims challenges; the account as an {@link AuthenticationRecord}. The
 * credential's interaction signs the user in, never two at a time.
 *
 * What runs the session ({@link UserSessionState}) loads at the first `getToken` or
 * `authenticate`; a `close()` while it loads takes effect after the calls made before it, as it
 * would have on a loaded session.
 */
export class UserSession {
  readonly client: TokenClient;
  readonly #settings: SessionSettings;
  #store: { store: PersistentTokenStore; account: AuthenticationRecord | undefined } | undefined;
  #loading: Promise<UserSessionState> | undefined;

  /**
   * @param client - the configured token client (its tenant policy holds the configured tenant, or none).
   * @param defaultTenantId - the tenant used when none is configured or requested.
   * @param interaction - how the credential signs the user in (browser, device code, code redemption).
   * @param automatic - whether `getToken` may start the interaction (`disableAutomaticAuthentication`).
   */
  constructor(
    client: TokenClient,
    defaultTenantId: string,
    interaction: Interaction,
    automatic = true,
  ) {
    this.client = client;
    this.#settings = { client, defaultTenantId, interaction, automatic };
  }

  #state(): Promise<UserSessionState> {
    this.#loading ??= import("./user_session_state.js").then(({ UserSessionState }) => {
      const state = new UserSessionState(this.#settings);
      if (this.#store) state.attachStore(this.#store.store, this.#store.account);
      return state;
    });
    return this.#loading;
  }

  /**
   * Gets a token: from the cache, else silently with the refresh token (carrying `claims` for a
   * challenge), else through the interaction. With automatic authentication disabled a needed
   * sign-in is an {@link AuthenticationRequiredError}.
   */
  getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    return this.#state().then((state) => state.getToken(scopes, options));
  }

  /**
   * Keeps this session's tokens in the persistent cache too: access tokens are looked up there on
   * a miss, and the refresh token of `account` (from `authenticationRecord`) signs the user in
   * silently in a new process. Called by the constructor, before the session is used.
   */
  attachStore(store: PersistentTokenStore, account: AuthenticationRecord | undefined): void {
    this.#store = { store, account };
  }

  /** Runs the interaction whatever is cached, keeps its tokens, and returns the signed-in account. */
  authenticate(
    scopes: string | string[],
    options: GetTokenOptions = {},
  ): Promise<AuthenticationRecord | undefined> {
    return this.#state().then((state) => state.authenticate(scopes, options));
  }

  /** Forgets tokens, cancels a sign-in in progress (closing its loopback server), and releases sockets. */
  async close(): Promise<void> {
    if (this.#loading) (await this.#loading).close();
    else this.client.close();
  }
}
