/**
 * entra-zero: Microsoft Entra ID credentials for Node.js with zero runtime dependencies.
 * A drop-in for the credentials of `@azure/identity`.
 *
 * @module
 */
export type {
  AbortSignalLike,
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
} from "./errors.js";
export type {
  AuthenticationErrorOptions,
  AuthenticationRequiredErrorOptions,
  ErrorResponse,
  IdentityErrorCode,
  IdentityErrorOptions,
} from "./errors.js";
export { AzureAuthorityHosts } from "./oauth/authority.js";
export type { AssertionAlgorithm } from "./oauth/algorithms.js";
export { ClientSecretCredential } from "./credentials/client_secret.js";
export type { ClientSecretCredentialOptions } from "./credentials/client_secret.js";
export {
  CertificateCredential,
  ClientCertificateCredential,
} from "./credentials/client_certificate.js";
export type {
  ClientCertificateCredentialOptions,
  ClientCertificateCredentialPEMConfiguration,
  ClientCertificatePEMCertificate,
  ClientCertificatePEMCertificatePath,
} from "./credentials/client_certificate.js";
export { ClientAssertionCredential } from "./credentials/client_assertion.js";
export type { ClientAssertionCredentialOptions } from "./credentials/client_assertion.js";
export { ChainedTokenCredential } from "./credentials/chained.js";
export { getBearerTokenProvider } from "./bearer_token_provider.js";
export type { GetBearerTokenProviderOptions } from "./bearer_token_provider.js";
export { AzureCliCredential } from "./credentials/azure_cli_credential.js";
export type { AzureCliCredentialOptions } from "./credentials/azure_cli_credential.js";
export { AzureDeveloperCliCredential } from "./credentials/azure_developer_cli_credential.js";
export type { AzureDeveloperCliCredentialOptions } from "./credentials/azure_developer_cli_credential.js";
export { AzurePowerShellCredential } from "./credentials/azure_powershell_credential.js";
export type { AzurePowerShellCredentialOptions } from "./credentials/azure_powershell_credential.js";
export type { DeveloperToolCredentialOptions } from "./credentials/developer_tool.js";
export { AuthorizationCodeCredential } from "./credentials/authorization_code_credential.js";
export type { AuthorizationCodeCredentialOptions } from "./credentials/authorization_code_credential.js";
export { OnBehalfOfCredential } from "./credentials/on_behalf_of.js";
export type {
  OnBehalfOfCredentialAssertionOptions,
  OnBehalfOfCredentialCertificateOptions,
  OnBehalfOfCredentialOptions,
  OnBehalfOfCredentialSecretOptions,
} from "./credentials/on_behalf_of.js";
export { DeviceCodeCredential } from "./credentials/device_code_credential.js";
export type {
  DeviceCodeCredentialOptions,
  DeviceCodeInfo,
  DeviceCodePromptCallback,
} from "./credentials/device_code_credential.js";
export { InteractiveBrowserCredential } from "./credentials/interactive_browser_credential.js";
export type { InteractiveBrowserCredentialNodeOptions } from "./credentials/interactive_browser_credential.js";
export type { InteractiveCredentialOptions } from "./credentials/user_credential.js";
export {
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
} from "./oauth/authentication_record.js";
export type { AuthenticationRecord } from "./oauth/authentication_record.js";
export { ManagedIdentityCredential } from "./credentials/managed_identity_credential.js";
export type {
  ManagedIdentityCredentialClientIdOptions,
  ManagedIdentityCredentialObjectIdOptions,
  ManagedIdentityCredentialResourceIdOptions,
} from "./credentials/managed_identity_credential.js";
export { WorkloadIdentityCredential } from "./credentials/workload_identity.js";
export type { WorkloadIdentityCredentialOptions } from "./credentials/workload_identity.js";
export { AzurePipelinesCredential } from "./credentials/azure_pipelines.js";
export type { AzurePipelinesCredentialOptions } from "./credentials/azure_pipelines.js";
export { EnvironmentCredential } from "./credentials/environment.js";
export type { EnvironmentCredentialOptions } from "./credentials/environment.js";
export { DefaultAzureCredential, getDefaultAzureCredential } from "./credentials/default.js";
export type {
  DefaultAzureCredentialClientIdOptions,
  DefaultAzureCredentialEnvVars,
  DefaultAzureCredentialOptions,
  DefaultAzureCredentialResourceIdOptions,
} from "./credentials/default.js";
export { UsernamePasswordCredential } from "./credentials/username_password_credential.js";
export type { UsernamePasswordCredentialOptions } from "./credentials/username_password_credential.js";
export { VisualStudioCodeCredential } from "./credentials/visual_studio_code_credential.js";
export type { VisualStudioCodeCredentialOptions } from "./credentials/visual_studio_code_credential.js";
export { useIdentityPlugin } from "./plugins.js";
export { logger } from "./util/logger.js";
export type { AzureLogger, Debugger } from "./util/logger.js";
