/**
 * Discovery documents of the emulator: instance discovery (`/common/discovery/instance`, as
 * Entra answers it for known and unknown hosts) and each tenant's OpenID configuration.
 *
 * @module
 */
import type { ServerResponse } from "node:http";
import type { EmulatorCore } from "./emulator_core.js";
import { failure, sendFailure, sendJson, unknownTenant } from "./replies.js";
import { issuerOf } from "./tokens.js";

/** `GET /common/discovery/instance`: trusted hosts get metadata, others `invalid_instance`. */
export function instanceDiscovery(core: EmulatorCore, url: URL, res: ServerResponse): void {
  const endpoint = url.searchParams.get("authorization_endpoint") ?? "";
  let host = "";
  try {
    host = new URL(endpoint).host;
  } catch {
    host = "";
  }
  // MSAL.js/.NET ask with api-version 1.1, MSAL Python (and so az) with 1.0; Entra takes both.
  const apiVersion = url.searchParams.get("api-version") ?? "";
  if (!["1.0", "1.1"].includes(apiVersion) || !core.trustedHosts.has(host))
    return sendFailure(
      res,
      failure(400, "invalid_instance", 50049, "Unknown or invalid instance."),
    );
  sendJson(res, 200, {
    tenant_discovery_endpoint: `https://${host}/${tenantOf(endpoint)}/v2.0/.well-known/openid-configuration`,
    "api-version": apiVersion,
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

/** `GET /{tenant}/v2.0/.well-known/openid-configuration`. */
export function openIdConfiguration(
  core: EmulatorCore,
  tenantId: string,
  res: ServerResponse,
): void {
  if (!core.knownTenant(tenantId)) return sendFailure(res, unknownTenant(tenantId));
  const base = `${core.url}/${tenantId}`;
  const issuer = ["common", "organizations"].includes(tenantId)
    ? issuerOf(core.url, "{tenantid}")
    : issuerOf(core.url, tenantId);
  sendJson(res, 200, {
    issuer,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: [
      "client_secret_post",
      "private_key_jwt",
      "client_secret_basic",
    ],
    response_types_supported: ["code"],
    response_modes_supported: ["query", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    claims_supported: [
      "sub",
      "iss",
      "aud",
      "exp",
      "iat",
      "tid",
      "oid",
      "name",
      "preferred_username",
    ],
    tenant_region_scope: "WW",
    cloud_instance_name: new URL(core.url).host,
    request_uri_parameter_supported: false,
  });
}

/** The tenant segment of an authorize endpoint (`/{tenant}/oauth2/…`, v1 or v2). */
function tenantOf(endpoint: string): string {
  return new URL(endpoint).pathname.split("/")[1] || "common";
}
