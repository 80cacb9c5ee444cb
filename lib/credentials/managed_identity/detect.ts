/**
 * Chooses the managed-identity source from the environment, once, at construction.
 *
 * @module
 */
import { isLoopbackOrLinkLocal } from "../../http/local_address.js";
import { CredentialUnavailableError, type IdentityErrorCode } from "../../errors.js";
import { normalizeThumbprint } from "../../http/pinned_agent.js";
import { appServiceSource } from "./app_service.js";
import { arcKeyDirectory, azureArcSource } from "./azure_arc.js";
import { azureMlSource } from "./azure_ml.js";
import { cloudShellSource } from "./cloud_shell.js";
import { IMDS_HOST, imdsSource } from "./imds.js";
import { serviceFabricSource } from "./service_fabric.js";
import type { ManagedIdentitySource, UserAssignedIdentity } from "./types.js";

/** What detection found: a source, the workload-identity token exchange, or a reason there is none. */
export type Detection =
  | { kind: "source"; source: ManagedIdentitySource }
  | { kind: "workload"; tenantId: string; clientId: string; tokenFilePath: string }
  | { kind: "unavailable"; code: IdentityErrorCode; reason: string };

/** Test seams; production always uses the defaults. */
export interface DetectionSeams {
  /** @internal Replaces the IMDS address `http://169.254.169.254` (tests point it at a loopback fake). */
  imdsHost?: string;
  /** @internal Replaces the Azure Arc agent's token directory (tests use a temporary directory). */
  arcKeyDirectory?: string;
  /** @internal The platform deciding the Arc token directory (default `process.platform`). */
  platform?: NodeJS.Platform;
}

const NAME = "ManagedIdentityCredential";

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function checkUrl(name: string, value: string, allowRemoteHttp = false): string | Detection {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      kind: "unavailable",
      code: "ERR_MANAGED_IDENTITY_CONFIG",
      reason: `the environment variable ${name} is not a valid URL.`,
    };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return {
      kind: "unavailable",
      code: "ERR_MANAGED_IDENTITY_CONFIG",
      reason: `the environment variable ${name} must be an http or https URL, not ${url.protocol}.`,
    };
  }
  if (url.protocol === "http:" && !allowRemoteHttp && !isLoopbackOrLinkLocal(url.hostname)) {
    return {
      kind: "unavailable",
      code: "ERR_MANAGED_IDENTITY_CONFIG",
      reason: `the environment variable ${name} points at ${url.host} over plain http; managed-identity endpoints may use http only on a loopback or link-local address.`,
    };
  }
  return url.toString();
}

function refuseUserAssigned(
  sourceName: string,
  identity: UserAssignedIdentity,
  allowed: string,
): never {
  throw new CredentialUnavailableError(
    `${NAME}: a user-assigned identity (${identity.kind}) cannot be used on ${sourceName}: ${allowed} ` +
      `Omit "clientId", "resourceId" and "objectId" (and unset AZURE_CLIENT_ID for DefaultAzureCredential) to use the identity this environment provides.`,
    { code: "ERR_USER_ASSIGNED_UNSUPPORTED" },
  );
}

/**
 * Detects the source, first match wins: Service Fabric, App Service, Azure Arc, Azure ML, Cloud
 * Shell, token exchange (workload identity), IMDS.
 *
 * @throws CredentialUnavailableError (`ERR_USER_ASSIGNED_UNSUPPORTED`) when a user-assigned id is
 *   given for a source that cannot honour it, so another identity is never used silently.
 */
export function detectSource(
  env: NodeJS.ProcessEnv,
  identity: UserAssignedIdentity | undefined,
  seams: DetectionSeams = {},
): Detection {
  const identityEndpoint = read(env, "IDENTITY_ENDPOINT");
  const msiEndpoint = read(env, "MSI_ENDPOINT");
  if (identityEndpoint) {
    const endpoint = checkUrl("IDENTITY_ENDPOINT", identityEndpoint);
    if (typeof endpoint !== "string") return endpoint;
    const header = read(env, "IDENTITY_HEADER");
    const thumbprint = read(env, "IDENTITY_SERVER_THUMBPRINT");
    if (header && thumbprint) {
      if (identity)
        refuseUserAssigned(
          "Service Fabric",
          identity,
          "the cluster's configuration decides the identity.",
        );
      const pinned = normalizeThumbprint(thumbprint);
      if (!pinned) {
        return {
          kind: "unavailable",
          code: "ERR_MANAGED_IDENTITY_CONFIG",
          reason:
            "IDENTITY_SERVER_THUMBPRINT must be a SHA-1 or SHA-256 certificate thumbprint in hex.",
        };
      }
      return { kind: "source", source: serviceFabricSource(endpoint, header, pinned) };
    }
    if (header) return { kind: "source", source: appServiceSource(identity, endpoint, header) };
    if (read(env, "IMDS_ENDPOINT")) {
      if (identity)
        refuseUserAssigned(
          "Azure Arc",
          identity,
          "Azure Arc supports only the system-assigned identity.",
        );
      const directory =
        seams.arcKeyDirectory ?? arcKeyDirectory(seams.platform ?? process.platform, env);
      return { kind: "source", source: azureArcSource(endpoint, directory) };
    }
    return {
      kind: "unavailable",
      code: "ERR_MANAGED_IDENTITY_CONFIG",
      reason:
        "IDENTITY_ENDPOINT is set but IDENTITY_HEADER is not (App Service, Service Fabric) and neither is IMDS_ENDPOINT (Azure Arc); the environment is incomplete.",
    };
  }
  if (msiEndpoint) {
    const endpoint = checkUrl("MSI_ENDPOINT", msiEndpoint);
    if (typeof endpoint !== "string") return endpoint;
    const secret = read(env, "MSI_SECRET");
    if (secret) {
      if (identity && identity.kind !== "clientId")
        refuseUserAssigned(
          "Azure ML",
          identity,
          "Azure ML selects a user-assigned identity by client id only.",
        );
      return {
        kind: "source",
        source: azureMlSource(
          endpoint,
          secret,
          identity?.value ?? read(env, "DEFAULT_IDENTITY_CLIENT_ID"),
        ),
      };
    }
    if (identity)
      refuseUserAssigned(
        "Cloud Shell",
        identity,
        "Cloud Shell issues tokens for the signed-in user only.",
      );
    return { kind: "source", source: cloudShellSource(endpoint) };
  }
  const tokenFilePath = read(env, "AZURE_FEDERATED_TOKEN_FILE");
  const tenantId = read(env, "AZURE_TENANT_ID");
  const clientId = identity
    ? identity.kind === "clientId"
      ? identity.value
      : undefined
    : read(env, "AZURE_CLIENT_ID");
  if (tokenFilePath && tenantId && clientId)
    return { kind: "workload", tenantId, clientId, tokenFilePath };
  const podIdentityHost = read(env, "AZURE_POD_IDENTITY_AUTHORITY_HOST");
  if (podIdentityHost) {
    const host = checkUrl("AZURE_POD_IDENTITY_AUTHORITY_HOST", podIdentityHost, true);
    if (typeof host !== "string") return host;
    return { kind: "source", source: imdsSource(identity, IMDS_HOST, host) };
  }
  return { kind: "source", source: imdsSource(identity, seams.imdsHost ?? IMDS_HOST) };
}
