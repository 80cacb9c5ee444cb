/**
 * entra-zero: Microsoft Entra ID credentials for Node.js with zero runtime dependencies.
 * A drop-in for the credentials of `@azure/identity`.
 *
 * @module
 */
export type {
  AbortSignalLike,
  CommonCredentialOptions,
  BrokerAuthOptions,
  BrokerDisabledOptions,
  BrokerEnabledOptions,
  BrokerOptions,
  BrowserCustomizationOptions,
  BrowserLoginStyle,
  IdentityPlugin,
  InteractiveBrowserCredentialInBrowserOptions,
  ProxyOptions,
  TracingContext,
  AccessToken,
  AuthorityValidationOptions,
  CredentialPersistenceOptions,
  GetTokenOptions,
  LoggingOptions,
  LogLevel,
  LogSink,
  MultiTenantTokenCredentialOptions,
  RetryOptions,
  TlsOptions,
  TokenCachePersistenceOptions,
  TokenCredential,
  TokenCredentialOptions,
} from "./types.js";
export {
  AbortError,
  AggregateAuthenticationError,
  AggregateAuthenticationErrorName,
  AuthenticationError,
  AuthenticationErrorName,
  AuthenticationRequiredError,
  CertificateError,
  CredentialUnavailableError,
  CredentialUnavailableErrorName,
  InvalidArgumentError,
  TokenCacheError,
} from "./errors.js";
export type {
  AuthenticationErrorOptions,
  AuthenticationRequiredErrorOptions,
  EntraErrorCode,
  ErrorResponse,
  IdentityErrorCode,
  IdentityErrorOptions,
} from "./errors.js";
export { AzureAuthorityHosts } from "./oauth/authority.js";
export type { AssertionAlgorithm } from "./oauth/algorithms.js";
export {
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
} from "./oauth/authentication_record.js";
export type { AuthenticationRecord } from "./oauth/authentication_record.js";
export type { DeveloperToolCredentialOptions } from "./credentials/developer_tool.js";
export type { InteractiveCredentialOptions } from "./credentials/user_credential_base.js";
export type { DeviceCodeInfo } from "./oauth/device_code_flow.js";
export { ChainedTokenCredential } from "./credentials/chained_token_credential.js";
export * from "./credentials/client_secret_credential.js";
export * from "./credentials/client_certificate_credential.js";
export * from "./credentials/client_assertion_credential.js";
export * from "./credentials/on_behalf_of_credential.js";
export * from "./credentials/username_password_credential.js";
export * from "./credentials/environment_credential.js";
export * from "./credentials/workload_identity_credential.js";
export * from "./credentials/azure_pipelines_credential.js";
export * from "./credentials/github_actions_credential.js";
export * from "./credentials/managed_identity_credential.js";
export * from "./credentials/default_azure_credential.js";
export * from "./credentials/azure_cli_credential.js";
export * from "./credentials/azure_developer_cli_credential.js";
export * from "./credentials/azure_powershell_credential.js";
export * from "./credentials/visual_studio_code_credential.js";
export * from "./credentials/authorization_code_credential.js";
export * from "./credentials/device_code_credential.js";
export * from "./credentials/interactive_browser_credential.js";
export * from "./bearer_token_provider.js";
export { useIdentityPlugin } from "./plugins.js";
export { logger } from "./util/logger.js";
export type { AzureLogger, Debugger } from "./util/logger.js";
export * from "./credentials/shared_token_cache_credential.js";
