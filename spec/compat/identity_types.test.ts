/**
 * Compile-time compatibility with `@azure/identity` 4.14.1's own declarations: this file fails to
 * compile (and so `npm run lint` and `npm test` fail) when a name, constructor or option of theirs
 * has no counterpart here. The runtime test below also lists their exported names, types included.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import ts from "typescript";
import type * as Theirs from "@azure/identity";
import type * as Ours from "../../lib/index.js";

type Public<T> = Pick<T, keyof T>;
type Check<T extends true> = T;
type Is<A, B> = [A] extends [B] ? true : false;
type Both<A, B> = Is<A, B> extends true ? Is<B, A> : false;
/** Their constructor's arguments are accepted by ours, and our instance serves where theirs is expected. */
type SameClass<
  O extends abstract new (...args: never) => unknown,
  T extends abstract new (...args: never) => unknown,
> =
  Is<ConstructorParameters<T>, ConstructorParameters<O>> extends true
    ? Is<Public<InstanceType<O>>, Public<InstanceType<T>>>
    : false;
/** Their options are accepted by ours; ours serve where theirs are expected (`loggingOptions.logger` is a sink here, a Debugger there). */
type SameOptions<O, T> =
  Is<T, O> extends true ? Is<Omit<O, "loggingOptions">, Omit<T, "loggingOptions">> : false;

/** Where we accept more than they do (PKCS#12 bytes, byte passwords): their values fit ours. */
type Wider<O, T> = Is<T, O>;
type HostValues<H> = H[keyof H];

export type Checks = [
  Check<Is<Exclude<keyof typeof Theirs, keyof typeof Ours>, never>>,
  Check<SameClass<typeof Ours.ChainedTokenCredential, typeof Theirs.ChainedTokenCredential>>,
  Check<SameClass<typeof Ours.ClientSecretCredential, typeof Theirs.ClientSecretCredential>>,
  Check<SameClass<typeof Ours.DefaultAzureCredential, typeof Theirs.DefaultAzureCredential>>,
  Check<SameClass<typeof Ours.EnvironmentCredential, typeof Theirs.EnvironmentCredential>>,
  Check<
    SameClass<typeof Ours.ClientCertificateCredential, typeof Theirs.ClientCertificateCredential>
  >,
  Check<SameClass<typeof Ours.ClientAssertionCredential, typeof Theirs.ClientAssertionCredential>>,
  Check<SameClass<typeof Ours.AzureCliCredential, typeof Theirs.AzureCliCredential>>,
  Check<
    SameClass<typeof Ours.AzureDeveloperCliCredential, typeof Theirs.AzureDeveloperCliCredential>
  >,
  Check<SameClass<typeof Ours.AzurePowerShellCredential, typeof Theirs.AzurePowerShellCredential>>,
  Check<
    SameClass<typeof Ours.InteractiveBrowserCredential, typeof Theirs.InteractiveBrowserCredential>
  >,
  Check<SameClass<typeof Ours.ManagedIdentityCredential, typeof Theirs.ManagedIdentityCredential>>,
  Check<SameClass<typeof Ours.DeviceCodeCredential, typeof Theirs.DeviceCodeCredential>>,
  Check<SameClass<typeof Ours.AzurePipelinesCredential, typeof Theirs.AzurePipelinesCredential>>,
  Check<
    SameClass<typeof Ours.AuthorizationCodeCredential, typeof Theirs.AuthorizationCodeCredential>
  >,
  Check<
    SameClass<typeof Ours.UsernamePasswordCredential, typeof Theirs.UsernamePasswordCredential>
  >,
  Check<
    SameClass<typeof Ours.VisualStudioCodeCredential, typeof Theirs.VisualStudioCodeCredential>
  >,
  Check<SameClass<typeof Ours.OnBehalfOfCredential, typeof Theirs.OnBehalfOfCredential>>,
  Check<
    SameClass<typeof Ours.WorkloadIdentityCredential, typeof Theirs.WorkloadIdentityCredential>
  >,
  Check<SameClass<typeof Ours.AuthenticationError, typeof Theirs.AuthenticationError>>,
  Check<
    SameClass<typeof Ours.AggregateAuthenticationError, typeof Theirs.AggregateAuthenticationError>
  >,
  Check<
    SameClass<typeof Ours.CredentialUnavailableError, typeof Theirs.CredentialUnavailableError>
  >,
  Check<
    SameClass<typeof Ours.AuthenticationRequiredError, typeof Theirs.AuthenticationRequiredError>
  >,
  Check<Is<typeof Ours.useIdentityPlugin, typeof Theirs.useIdentityPlugin>>,
  Check<Is<typeof Ours.getBearerTokenProvider, typeof Theirs.getBearerTokenProvider>>,
  Check<Is<typeof Ours.getDefaultAzureCredential, typeof Theirs.getDefaultAzureCredential>>,
  Check<Is<typeof Ours.serializeAuthenticationRecord, typeof Theirs.serializeAuthenticationRecord>>,
  Check<
    Is<typeof Ours.deserializeAuthenticationRecord, typeof Theirs.deserializeAuthenticationRecord>
  >,
  Check<Is<typeof Ours.logger, typeof Theirs.logger>>,
  Check<Both<keyof typeof Ours.AzureAuthorityHosts, keyof typeof Theirs.AzureAuthorityHosts>>,
  Check<Both<HostValues<typeof Ours.AzureAuthorityHosts>, `${Theirs.AzureAuthorityHosts}`>>,
  Check<Is<typeof Ours.AuthenticationErrorName, typeof Theirs.AuthenticationErrorName>>,
  Check<
    Is<typeof Ours.AggregateAuthenticationErrorName, typeof Theirs.AggregateAuthenticationErrorName>
  >,
  Check<
    Is<typeof Ours.CredentialUnavailableErrorName, typeof Theirs.CredentialUnavailableErrorName>
  >,
  Check<Both<Ours.AccessToken, Theirs.AccessToken>>,
  Check<SameOptions<Ours.GetTokenOptions, Theirs.GetTokenOptions>>,
  Check<Is<Ours.TokenCredential, Theirs.TokenCredential>>,
  Check<Both<Ours.AuthenticationRecord, Theirs.AuthenticationRecord>>,
  Check<Both<Ours.ErrorResponse, Theirs.ErrorResponse>>,
  Check<
    SameOptions<Ours.AuthenticationRequiredErrorOptions, Theirs.AuthenticationRequiredErrorOptions>
  >,
  Check<SameOptions<Ours.TokenCredentialOptions, Theirs.TokenCredentialOptions>>,
  Check<
    SameOptions<Ours.MultiTenantTokenCredentialOptions, Theirs.MultiTenantTokenCredentialOptions>
  >,
  Check<SameOptions<Ours.AuthorityValidationOptions, Theirs.AuthorityValidationOptions>>,
  Check<SameOptions<Ours.BrokerAuthOptions, Theirs.BrokerAuthOptions>>,
  Check<SameOptions<Ours.BrokerOptions, Theirs.BrokerOptions>>,
  Check<SameOptions<Ours.BrokerEnabledOptions, Theirs.BrokerEnabledOptions>>,
  Check<SameOptions<Ours.BrokerDisabledOptions, Theirs.BrokerDisabledOptions>>,
  Check<SameOptions<Ours.InteractiveCredentialOptions, Theirs.InteractiveCredentialOptions>>,
  Check<SameOptions<Ours.ClientSecretCredentialOptions, Theirs.ClientSecretCredentialOptions>>,
  Check<SameOptions<Ours.DefaultAzureCredentialOptions, Theirs.DefaultAzureCredentialOptions>>,
  Check<
    SameOptions<
      Ours.DefaultAzureCredentialClientIdOptions,
      Theirs.DefaultAzureCredentialClientIdOptions
    >
  >,
  Check<
    SameOptions<
      Ours.DefaultAzureCredentialResourceIdOptions,
      Theirs.DefaultAzureCredentialResourceIdOptions
    >
  >,
  Check<Both<Ours.DefaultAzureCredentialEnvVars, Theirs.DefaultAzureCredentialEnvVars>>,
  Check<SameOptions<Ours.EnvironmentCredentialOptions, Theirs.EnvironmentCredentialOptions>>,
  Check<
    Wider<
      Ours.ClientCertificateCredentialPEMConfiguration,
      Theirs.ClientCertificateCredentialPEMConfiguration
    >
  >,
  Check<
    Wider<Ours.ClientCertificatePEMCertificatePath, Theirs.ClientCertificatePEMCertificatePath>
  >,
  Check<Wider<Ours.ClientCertificatePEMCertificate, Theirs.ClientCertificatePEMCertificate>>,
  Check<
    SameOptions<Ours.ClientCertificateCredentialOptions, Theirs.ClientCertificateCredentialOptions>
  >,
  Check<
    SameOptions<Ours.ClientAssertionCredentialOptions, Theirs.ClientAssertionCredentialOptions>
  >,
  Check<SameOptions<Ours.CredentialPersistenceOptions, Theirs.CredentialPersistenceOptions>>,
  Check<SameOptions<Ours.AzureCliCredentialOptions, Theirs.AzureCliCredentialOptions>>,
  Check<
    SameOptions<Ours.AzureDeveloperCliCredentialOptions, Theirs.AzureDeveloperCliCredentialOptions>
  >,
  Check<
    SameOptions<
      Ours.InteractiveBrowserCredentialNodeOptions,
      Theirs.InteractiveBrowserCredentialNodeOptions
    >
  >,
  Check<
    SameOptions<
      Ours.InteractiveBrowserCredentialInBrowserOptions,
      Theirs.InteractiveBrowserCredentialInBrowserOptions
    >
  >,
  Check<Both<Ours.BrowserLoginStyle, Theirs.BrowserLoginStyle>>,
  Check<
    SameOptions<
      Ours.ManagedIdentityCredentialClientIdOptions,
      Theirs.ManagedIdentityCredentialClientIdOptions
    >
  >,
  Check<
    SameOptions<
      Ours.ManagedIdentityCredentialResourceIdOptions,
      Theirs.ManagedIdentityCredentialResourceIdOptions
    >
  >,
  Check<
    SameOptions<
      Ours.ManagedIdentityCredentialObjectIdOptions,
      Theirs.ManagedIdentityCredentialObjectIdOptions
    >
  >,
  Check<Is<Ours.DeviceCodePromptCallback, Theirs.DeviceCodePromptCallback>>,
  Check<Both<Ours.DeviceCodeInfo, Theirs.DeviceCodeInfo>>,
  Check<SameOptions<Ours.DeviceCodeCredentialOptions, Theirs.DeviceCodeCredentialOptions>>,
  Check<SameOptions<Ours.AzurePipelinesCredentialOptions, Theirs.AzurePipelinesCredentialOptions>>,
  Check<
    SameOptions<Ours.AuthorizationCodeCredentialOptions, Theirs.AuthorizationCodeCredentialOptions>
  >,
  Check<
    SameOptions<Ours.AzurePowerShellCredentialOptions, Theirs.AzurePowerShellCredentialOptions>
  >,
  Check<SameOptions<Ours.OnBehalfOfCredentialOptions, Theirs.OnBehalfOfCredentialOptions>>,
  Check<
    SameOptions<Ours.OnBehalfOfCredentialSecretOptions, Theirs.OnBehalfOfCredentialSecretOptions>
  >,
  Check<
    SameOptions<
      Ours.OnBehalfOfCredentialCertificateOptions,
      Theirs.OnBehalfOfCredentialCertificateOptions
    >
  >,
  Check<
    SameOptions<
      Ours.OnBehalfOfCredentialAssertionOptions,
      Theirs.OnBehalfOfCredentialAssertionOptions
    >
  >,
  Check<
    SameOptions<Ours.UsernamePasswordCredentialOptions, Theirs.UsernamePasswordCredentialOptions>
  >,
  Check<
    SameOptions<Ours.VisualStudioCodeCredentialOptions, Theirs.VisualStudioCodeCredentialOptions>
  >,
  Check<
    SameOptions<Ours.WorkloadIdentityCredentialOptions, Theirs.WorkloadIdentityCredentialOptions>
  >,
  Check<SameOptions<Ours.BrowserCustomizationOptions, Theirs.BrowserCustomizationOptions>>,
  Check<SameOptions<Ours.TokenCachePersistenceOptions, Theirs.TokenCachePersistenceOptions>>,
  Check<SameOptions<Ours.GetBearerTokenProviderOptions, Theirs.GetBearerTokenProviderOptions>>,
  Check<Is<Ours.IdentityPlugin, Theirs.IdentityPlugin>>,
];

/** Every name (value or type) a module's declarations export, read with the TypeScript compiler. */
function exportedNames(entry: string): string[] {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ["node"],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!);
  return checker.getExportsOfModule(symbol!).map((s) => s.getName());
}

test("every name @azure/identity 4.14.1 exports, values and types, is exported here", () => {
  const require = createRequire(import.meta.url);
  const theirs = join(
    dirname(require.resolve("@azure/identity/package.json")),
    "dist/esm/index.d.ts",
  );
  const ours = new URL("../../../lib/index.ts", import.meta.url).pathname;
  const ourNames = new Set(exportedNames(ours));
  const theirNames = exportedNames(theirs);
  assert.ok(theirNames.length > 80, `read ${theirNames.length} names from ${theirs}`);
  assert.deepEqual(
    theirNames.filter((name) => !ourNames.has(name)),
    [],
  );
});
