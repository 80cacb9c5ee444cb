/**
 * The managed-identity sources: which one the environment provides (detected once, at
 * construction) and the token request each expects, side by side in {@link detectSource}. The
 * request itself is built by `token_request.ts`, with the client, at the first `getToken`.
 *
 * @see https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token
 * @see https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference
 * @see https://learn.microsoft.com/azure/service-fabric/how-to-managed-identity-service-fabric-app-code
 * @module
 */
import { CredentialUnavailableError } from "../../errors.js";
import { isLoopbackOrLinkLocal } from "../../http/local_address.js";
import { normalizeThumbprint } from "../../http/pinned_agent.js";
import { checkHeaderValue } from "../../http/transport.js";
import type { InternalOptions } from "../../types.js";

/** The name that starts every managed-identity message. */
export const NAME = "ManagedIdentityCredential";

/** A user-assigned identity, by exactly one of its ids. */
export interface UserAssignedIdentity {
  kind: "clientId" | "resourceId" | "objectId";
  value: string;
}

/** A detected managed-identity source: where and how to ask it for a token. */
export interface ManagedIdentitySource {
  /** Also how messages name it. */
  name: "IMDS" | "App Service" | "Service Fabric" | "Azure Arc" | "Azure ML" | "Cloud Shell";
  endpoint: string;
  /** The `api-version` of a GET; Cloud Shell has none and takes a POST form instead. */
  apiVersion?: string;
  /** Query parameters after `api-version` and `resource`: the user-assigned id, when any. */
  query?: Record<string, string>;
  headers: Record<string, string>;
  /** The secret header's value (`IDENTITY_HEADER`, `MSI_SECRET`), redacted from every message. */
  secret?: string;
  /** Service Fabric: the thumbprint the endpoint's certificate is pinned to. */
  serverThumbprint?: string;
  /** Azure Arc: the directory the challenge's key file must be in (none off Linux and Windows). */
  arcKeyDirectory?: string;
  /** IMDS: the URL of the availability probe, unless pod identity answers instead. */
  probeUrl?: string;
}

/** What detection found: a source, or the workload-identity token exchange. */
export type Detection =
  | { kind: "source"; source: ManagedIdentitySource }
  | { kind: "workload"; workload: { tenantId: string; clientId: string; tokenFilePath: string } };

/** The real IMDS address. Tests never send traffic here: they pass a loopback host instead. */
const IMDS_HOST = "http://169.254.169.254";
const IMDS_TOKEN_PATH = "/metadata/identity/oauth2/token";

/**
 * The directory the Arc agent writes key files to: `/var/opt/azcmagent/tokens` on Linux,
 * `%ProgramData%\AzureConnectedMachineAgent\Tokens` on Windows, none elsewhere.
 */
export function arcKeyDirectory(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (platform === "linux") return "/var/opt/azcmagent/tokens";
  if (platform === "win32")
    return process
      .getBuiltinModule("node:path")
      .win32.join(env.ProgramData ?? "C:\\ProgramData", "AzureConnectedMachineAgent", "Tokens");
  return undefined;
}

function configError(reason: string): CredentialUnavailableError {
  return new CredentialUnavailableError(`${NAME}: ${reason}`, {
    code: "ERR_MANAGED_IDENTITY_CONFIG",
  });
}

function checkUrl(name: string, value: string, allowRemoteHttp = false): string {
  if (!URL.canParse(value))
    throw configError(`the environment variable ${name} is not a valid URL.`);
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw configError(
      `the environment variable ${name} must be an http or https URL, not ${url.protocol}.`,
    );
  if (url.protocol === "http:" && !allowRemoteHttp && !isLoopbackOrLinkLocal(url.hostname))
    throw configError(
      `the environment variable ${name} points at ${url.host} over plain http; managed-identity endpoints may use http only on a loopback or link-local address.`,
    );
  return url.toString();
}

/**
 * Detects the source, first match wins: Service Fabric, App Service, Azure Arc, Azure ML, Cloud
 * Shell, token exchange (workload identity), IMDS.
 *
 * @param options - the seams `imdsHost`, `arcKeyDirectory` and `platform`.
 * @throws InvalidArgumentError `ERR_INVALID_ARG_VALUE` when IDENTITY_HEADER or MSI_SECRET holds a
 *   character an HTTP header cannot carry (a line break).
 * @throws CredentialUnavailableError `ERR_MANAGED_IDENTITY_CONFIG` when the environment is
 *   incomplete or malformed; `ERR_USER_ASSIGNED_UNSUPPORTED` when a user-assigned id is given for
 *   a source that cannot honour it, so another identity is never used silently.
 */
export function detectSource(
  env: NodeJS.ProcessEnv,
  identity: UserAssignedIdentity | undefined,
  options: InternalOptions = {},
): Detection {
  const read = (name: string) => env[name]?.trim() || undefined;
  const refuseUserAssigned = (sourceName: string, why: string) => {
    if (!identity) return;
    throw new CredentialUnavailableError(
      `${NAME}: a user-assigned identity (${identity.kind}) cannot be used on ${sourceName}: ${why} ` +
        `Omit "clientId", "resourceId" and "objectId" (and unset AZURE_CLIENT_ID for DefaultAzureCredential) to use the identity this environment provides.`,
      { code: "ERR_USER_ASSIGNED_UNSUPPORTED" },
    );
  };
  const idQuery = (resourceIdName: string): Record<string, string> => {
    if (!identity) return {};
    const names = { clientId: "client_id", resourceId: resourceIdName, objectId: "object_id" };
    return { [names[identity.kind]]: identity.value };
  };
  const source = (found: ManagedIdentitySource): Detection => ({ kind: "source", source: found });

  const identityEndpoint = read("IDENTITY_ENDPOINT");
  if (identityEndpoint) {
    const endpoint = checkUrl("IDENTITY_ENDPOINT", identityEndpoint);
    const header = read("IDENTITY_HEADER");
    checkHeaderValue(NAME, "the environment variable IDENTITY_HEADER", header);
    const thumbprint = read("IDENTITY_SERVER_THUMBPRINT");
    if (header && thumbprint) {
      refuseUserAssigned("Service Fabric", "the cluster's configuration decides the identity.");
      const pinned = normalizeThumbprint(thumbprint);
      if (!pinned)
        throw configError(
          "IDENTITY_SERVER_THUMBPRINT must be a SHA-1 or SHA-256 certificate thumbprint in hex.",
        );
      return source({
        name: "Service Fabric",
        endpoint,
        apiVersion: "2019-07-01-preview",
        headers: { secret: header },
        secret: header,
        serverThumbprint: pinned,
      });
    }
    if (header)
      return source({
        name: "App Service",
        endpoint,
        apiVersion: "2019-08-01",
        query: idQuery("mi_res_id"),
        headers: { "X-IDENTITY-HEADER": header },
        secret: header,
      });
    if (!read("IMDS_ENDPOINT"))
      throw configError(
        "IDENTITY_ENDPOINT is set but IDENTITY_HEADER is not (App Service, Service Fabric) and neither is IMDS_ENDPOINT (Azure Arc); the environment is incomplete.",
      );
    refuseUserAssigned("Azure Arc", "Azure Arc supports only the system-assigned identity.");
    const url = new URL(endpoint);
    if (url.hostname === "localhost") url.hostname = "127.0.0.1";
    return source({
      name: "Azure Arc",
      endpoint: url.toString(),
      apiVersion: "2020-06-01",
      headers: { Metadata: "true" },
      arcKeyDirectory:
        options.arcKeyDirectory ?? arcKeyDirectory(options.platform ?? process.platform, env),
    });
  }
  const msiEndpoint = read("MSI_ENDPOINT");
  if (msiEndpoint) {
    const endpoint = checkUrl("MSI_ENDPOINT", msiEndpoint);
    const secret = read("MSI_SECRET");
    checkHeaderValue(NAME, "the environment variable MSI_SECRET", secret);
    if (!secret) {
      refuseUserAssigned("Cloud Shell", "Cloud Shell issues tokens for the signed-in user only.");
      return source({ name: "Cloud Shell", endpoint, headers: { Metadata: "true" } });
    }
    if (identity?.kind !== "clientId")
      refuseUserAssigned(
        "Azure ML",
        "Azure ML selects a user-assigned identity by client id only.",
      );
    const clientId = identity?.value ?? read("DEFAULT_IDENTITY_CLIENT_ID");
    return source({
      name: "Azure ML",
      endpoint,
      apiVersion: "2017-09-01",
      query: clientId ? { clientid: clientId } : {},
      headers: { Metadata: "true", secret },
      secret,
    });
  }
  const tokenFilePath = read("AZURE_FEDERATED_TOKEN_FILE");
  const tenantId = read("AZURE_TENANT_ID");
  const clientId = identity
    ? identity.kind === "clientId" && identity.value
    : read("AZURE_CLIENT_ID");
  if (tokenFilePath && tenantId && clientId)
    return { kind: "workload", workload: { tenantId, clientId, tokenFilePath } };
  const podIdentityHost = read("AZURE_POD_IDENTITY_AUTHORITY_HOST");
  const host = podIdentityHost
    ? checkUrl("AZURE_POD_IDENTITY_AUTHORITY_HOST", podIdentityHost, true)
    : (options.imdsHost ?? IMDS_HOST);
  const endpoint = `${host.replace(/\/+$/, "")}${IMDS_TOKEN_PATH}`;
  return source({
    name: "IMDS",
    endpoint,
    apiVersion: "2018-02-01",
    query: idQuery("msi_res_id"),
    headers: { Metadata: "true" },
    // Pod identity answers for IMDS, so a probe there would say nothing about this host.
    probeUrl: podIdentityHost ? undefined : endpoint,
  });
}
