/**
 * Public types, structurally compatible with `@azure/core-auth` and the option interfaces of
 * `@azure/identity`. Types only: nothing here runs.
 *
 * @module
 */

/** The part of `AbortSignal` this package uses; a DOM, Node or `@azure/abort-controller` signal fits. */
export interface AbortSignalLike {
  /** Whether the signal has fired. */
  readonly aborted: boolean;
  /** The reason given to `abort()`, when any. */
  readonly reason?: unknown;
  /** Registers a listener for `"abort"`. */
  addEventListener(
    type: "abort",
    listener: (this: AbortSignalLike, ev: unknown) => unknown,
    options?: { once?: boolean },
  ): void;
  /** Removes a listener for `"abort"`. */
  removeEventListener(
    type: "abort",
    listener: (this: AbortSignalLike, ev: unknown) => unknown,
  ): void;
}

/** An access token, as `@azure/core-auth` defines it. */
export interface AccessToken {
  /** The bearer token. */
  token: string;
  /** When the token expires, in milliseconds since the epoch. */
  expiresOnTimestamp: number;
  /** When a fresh token should be fetched ahead of expiry, in milliseconds since the epoch. */
  refreshAfterTimestamp?: number;
  /** Always `"Bearer"` for this package's credentials. */
  tokenType?: "Bearer" | "pop";
}

/** Options of one `getToken` call, as `@azure/core-auth` defines them. Unknown fields are ignored. */
export interface GetTokenOptions {
  /** Aborts the request, including any retry wait. */
  abortSignal?: AbortSignalLike;
  /** Per-request settings. */
  requestOptions?: {
    /** Timeout of each HTTP attempt, in milliseconds (default 30 000); for managed identity, of the whole call, retries included. */
    timeout?: number;
  };
  /** Tracing context; accepted for compatibility, not used. */
  tracingOptions?: { tracingContext?: TracingContext };
  /** A claims challenge (decoded JSON) from a resource's `WWW-Authenticate` header. Bypasses the cache. */
  claims?: string;
  /** Ask for a Continuous Access Evaluation token (client capability `cp1`). */
  enableCae?: boolean;
  /** The tenant to get the token from, subject to `additionallyAllowedTenants`. */
  tenantId?: string;
}

/** `@azure/core-auth`'s tracing context, accepted for compatibility; this package does not trace. */
export interface TracingContext {
  /** Gets a value from the context. */
  getValue(key: symbol): unknown;
  /** A new context with `key` set. */
  setValue(key: symbol, value: unknown): TracingContext;
  /** A new context without `key`. */
  deleteValue(key: symbol): TracingContext;
}

/** Anything that can hand out access tokens; every credential in this package implements it. */
export interface TokenCredential {
  /**
   * Gets an access token for the given scopes.
   *
   * @param scopes - one scope or a list, e.g. `"https://graph.microsoft.com/.default"`.
   * @param options - abort signal, tenant, claims and CAE settings.
   */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null>;
}

/** Levels of log output, in increasing severity. */
export type LogLevel = "verbose" | "info" | "warning" | "error";

/** Receives log lines instead of stderr. */
export type LogSink = (level: LogLevel, message: string) => void;

/** Logging settings of a credential. */
export interface LoggingOptions {
  /** Receives every log line at or above the level; default writes to stderr. */
  logger?: LogSink;
  /** The lowest level logged; default `AZURE_LOG_LEVEL`, and no logging when that is unset. */
  logLevel?: LogLevel;
  /** Accepted for compatibility with `@azure/identity`; account identifiers are never logged. */
  allowLoggingAccountIdentifiers?: boolean;
  /** Accepted for compatibility with `@azure/identity`; has no effect. */
  enableUnsafeSupportLogging?: boolean;
}

/** Retry settings for HTTP requests. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Base delay of the exponential back-off, in milliseconds (default 800). */
  retryDelayInMs?: number;
  /** Upper bound of any single delay, including `Retry-After`, in milliseconds (default 60 000). */
  maxRetryDelayInMs?: number;
}

/** TLS settings for the connection to the authority (e.g. a private CA). */
export interface TlsOptions {
  /** Extra certificate authorities to trust, PEM. */
  ca?: string | Buffer | Array<string | Buffer>;
}

/** An HTTP proxy, as `@azure/core-rest-pipeline`'s `ProxySettings`. */
export interface ProxyOptions {
  /** The proxy host with its scheme, e.g. `http://proxy.contoso.com`; only `http://` proxies (CONNECT) are supported. */
  host: string;
  /** The proxy port. */
  port: number;
  /** User name for `Proxy-Authorization: Basic`. */
  username?: string;
  /** Password for `Proxy-Authorization: Basic`; never logged. */
  password?: string;
}

/**
 * Test seams, declared once. Every option type extends this through {@link TokenCredentialOptions},
 * so seams pass through option objects whole; `stripInternal` removes them from the published types.
 */
export interface InternalOptions {
  /** @internal The environment read at construction (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** @internal The clock, in milliseconds since the epoch. */
  now?: () => number;
  /** @internal Where instance discovery is asked (default: the public cloud). */
  instanceDiscoveryHost?: string;
  /** @internal Replaces `child_process.spawn` for the developer tools. */
  spawn?: (
    file: string,
    args: readonly string[],
    options: import("node:child_process").SpawnOptions,
  ) => import("node:child_process").ChildProcess;
  /** @internal Replaces the IMDS address `http://169.254.169.254`. */
  imdsHost?: string;
  /** @internal Replaces the Azure Arc agent's token directory. */
  arcKeyDirectory?: string;
  /** @internal The platform deciding the Arc token directory (default `process.platform`). */
  platform?: NodeJS.Platform;
  /** @internal Probe IMDS (1 s, no retry) before the first request; set by `DefaultAzureCredential`. */
  sendProbeRequest?: boolean;
  /** @internal Replaces the system browser (tests "play the browser"). */
  openBrowser?: (url: string) => Promise<boolean> | boolean;
  /** @internal Where lines for the user go (default stderr). */
  printLine?: (line: string) => void;
  /** @internal How long a browser sign-in may take. */
  signInTimeoutMs?: number;
  /** @internal Shorter device-code polling for tests. */
  deviceCodePolling?: { minIntervalMs?: number; slowDownStepMs?: number };
  /** @internal The name that starts messages, when a credential works inside another (EnvironmentCredential). */
  credentialName?: string;
}

/** Options shared by every credential that talks to an identity endpoint. */
export interface TokenCredentialOptions extends InternalOptions {
  /** The authority host, e.g. `AzureAuthorityHosts.AzureGovernment`; default `AZURE_AUTHORITY_HOST` or the public cloud. */
  authorityHost?: string;
  /** Retry settings. */
  retryOptions?: RetryOptions;
  /** TLS settings. */
  tlsOptions?: TlsOptions;
  /** The proxy for identity requests; default `HTTPS_PROXY` / `ALL_PROXY` / `HTTP_PROXY` minus `NO_PROXY`. Managed-identity endpoints never use one. */
  proxyOptions?: ProxyOptions;
  /** Logging settings. */
  loggingOptions?: LoggingOptions;
  /** Added before this package's `User-Agent`. */
  userAgentOptions?: { userAgentPrefix?: string };
}

/** Options of credentials that may get tokens from tenants other than their own. */
export interface MultiTenantTokenCredentialOptions extends TokenCredentialOptions {
  /** Tenants `getToken` may ask for besides the configured one; `"*"` allows any. */
  additionallyAllowedTenants?: string[];
}

/** Options of credentials whose authority is validated. */
export interface AuthorityValidationOptions {
  /** Skip instance discovery for authority hosts outside the known clouds. */
  disableInstanceDiscovery?: boolean;
}

/**
 * The options most credentials take (client secret, certificate, assertion, on-behalf-of,
 * Pipelines, username/password and the user sign-ins): multi-tenant, persistence and authority
 * validation.
 */
export interface CommonCredentialOptions
  extends
    MultiTenantTokenCredentialOptions,
    CredentialPersistenceOptions,
    AuthorityValidationOptions {}

/** Persistent token cache settings, as in `@azure/identity`. */
export interface TokenCachePersistenceOptions {
  /** Turn the persistent cache on. */
  enabled: boolean;
  /** Cache name (default `msal.cache`). */
  name?: string;
  /** Allow a plain file where no OS keyring is available. */
  unsafeAllowUnencryptedStorage?: boolean;
}

/** Options of credentials that can persist their token cache. */
export interface CredentialPersistenceOptions {
  /** Persistent token cache settings. */
  tokenCachePersistenceOptions?: TokenCachePersistenceOptions;
}

/** Texts shown in the browser after an interactive sign-in, as in `@azure/identity`. */
export interface BrowserCustomizationOptions {
  /** The page texts; accepted for compatibility, the loopback page uses its own. */
  browserCustomizationOptions?: { errorMessage?: string; successMessage?: string };
}

/** The WAM broker is off. */
export interface BrokerDisabledOptions {
  /** Always false. */
  enabled: false;
  /** Not used when the broker is off. */
  legacyEnableMsaPassthrough?: undefined;
  /** Not used when the broker is off. */
  parentWindowHandle: undefined;
}

/** The WAM broker is on: Windows only, and not supported by this package (no native module). */
export interface BrokerEnabledOptions {
  /** Always true. */
  enabled: true;
  /** Let Microsoft accounts through the broker. */
  legacyEnableMsaPassthrough?: boolean;
  /** The window the broker's dialog belongs to. */
  parentWindowHandle: Uint8Array;
  /** Sign in with the operating system's default account. */
  useDefaultBrokerAccount?: boolean;
}

/** Broker settings, as in `@azure/identity`. */
export type BrokerOptions = BrokerEnabledOptions | BrokerDisabledOptions;

/** Options of credentials that can sign in through the WAM broker. */
export interface BrokerAuthOptions {
  /** Broker settings; an enabled broker makes the credential unavailable (no native module here). */
  brokerOptions?: BrokerOptions;
}

/** How a browser-hosted sign-in shows itself; browsers only, kept for type compatibility. */
export type BrowserLoginStyle = "redirect" | "popup";

/** Options of `InteractiveBrowserCredential` in a web browser; this package runs on Node only. */
export interface InteractiveBrowserCredentialInBrowserOptions
  extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {
  /** The app's redirect URI. */
  redirectUri?: string | (() => string);
  /** The tenant. */
  tenantId?: string;
  /** The application (client) id. */
  clientId: string;
  /** Popup or redirect. */
  loginStyle?: BrowserLoginStyle;
  /** Pre-fills the account. */
  loginHint?: string;
  /** The account signed in earlier. */
  authenticationRecord?: import("./oauth/authentication_record.js").AuthenticationRecord;
  /** Never start a sign-in from `getToken`. */
  disableAutomaticAuthentication?: boolean;
}

/** A plugin of `@azure/identity` (`useIdentityPlugin`); see `useIdentityPlugin` for what happens to it here. */
export type IdentityPlugin = (context: unknown) => void;
