/**
 * entra-zero: Microsoft Entra ID credentials for Node.js with zero runtime dependencies.
 * A drop-in for the credentials of `@azure/identity`.
 *
 * @module
 */
export type { AbortSignalLike, AccessToken, AuthorityValidationOptions, CredentialPersistenceOptions, GetTokenOptions, LoggingOptions, LogLevel, LogSink, MultiTenantTokenCredentialOptions, RetryOptions, TlsOptions, TokenCachePersistenceOptions, TokenCredential, TokenCredentialOptions } from "./types.js";
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
export type { AuthenticationErrorOptions, AuthenticationRequiredErrorOptions, ErrorResponse, IdentityErrorCode, IdentityErrorOptions } from "./errors.js";
export { AzureAuthorityHosts } from "./oauth/authority.js";
export type { AssertionAlgorithm } from "./oauth/algorithms.js";
export { ClientSecretCredential } from "./credentials/client_secret.js";
export type { ClientSecretCredentialOptions } from "./credentials/client_secret.js";
export { CertificateCredential, ClientCertificateCredential } from "./credentials/client_certificate.js";
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
export { AzureCliCredential } from "./credentials/azure_cli.js";
export type { AzureCliCredentialOptions } from "./credentials/azure_cli.js";
export { AzureDeveloperCliCredential } from "./credentials/azure_developer_cli.js";
export type { AzureDeveloperCliCredentialOptions } from "./credentials/azure_developer_cli.js";
export { AzurePowerShellCredential } from "./credentials/azure_powershell.js";
export type { AzurePowerShellCredentialOptions } from "./credentials/azure_powershell.js";
export type { DeveloperToolCredentialOptions } from "./credentials/developer_tool.js";
