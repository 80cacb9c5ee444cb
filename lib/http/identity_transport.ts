import type { TokenCredentialOptions } from "../types.js";
import type { CredentialLogger } from "../util/logger.js";
import { isProxyBypassed, resolveProxy } from "./proxy.js";
import { createTransport, type Transport } from "./transport.js";

/**
 * The transport of a credential that talks to Entra or another public identity endpoint: the
 * credential's TLS and user-agent options, and the proxy from `proxyOptions` or the environment
 * (minus `NO_PROXY`). Managed-identity endpoints use a plain `createTransport` instead: no proxy.
 */
export function createIdentityTransport(
  credentialName: string,
  options: TokenCredentialOptions,
  env: NodeJS.ProcessEnv,
  logger?: CredentialLogger,
): Transport {
  const proxy = resolveProxy(credentialName, options.proxyOptions, env);
  return createTransport({
    credentialName,
    proxy,
    bypassProxy: proxy ? (hostname, port) => isProxyBypassed(hostname, port, env) : undefined,
    tlsOptions: options.tlsOptions,
    userAgentPrefix: options.userAgentOptions?.userAgentPrefix,
    logger,
  });
}
