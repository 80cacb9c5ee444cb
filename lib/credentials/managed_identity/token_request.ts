/**
 * The token request a detected managed-identity source expects (pure). Loaded with the client at
 * the first `getToken`.
 *
 * @module
 */
import type { HttpRequest } from "../../http/transport.js";
import { encodeForm } from "../../oauth/form.js";
import type { ManagedIdentitySource } from "./sources.js";

/**
 * The token request for one resource (pure). Query pairs are appended to any query the endpoint
 * already has, encoded with `encodeURIComponent`; every request carries MSAL's form content type.
 */
export function tokenRequest(
  source: ManagedIdentitySource,
  resource: string,
): Omit<HttpRequest, "timeoutMs"> {
  const headers = {
    ...source.headers,
    "Content-Type": "application/x-www-form-urlencoded;charset=utf-8",
  };
  if (source.apiVersion === undefined)
    return { method: "POST", url: source.endpoint, headers, body: encodeForm({ resource }) };
  const url = new URL(source.endpoint);
  const query = encodeForm({ "api-version": source.apiVersion, resource, ...source.query });
  url.search = url.search ? `${url.search}&${query}` : query;
  return { method: "GET", url: url.toString(), headers };
}
