import { asRecord, parseJson } from "../util/json.js";
import { serverText } from "../util/redact.js";
import type { HttpResponse } from "./transport.js";

/** A response body read as JSON, and how to say what arrived when it is not what was expected. */
export interface JsonResponse {
  /** The parsed body, or `undefined` when it is not JSON. */
  json: unknown;
  /** The body when it is a JSON object. */
  record: Record<string, unknown> | undefined;
  /** `HTTP <status>, content-type <type>, body starting "<first bytes, redacted>"`, for messages. */
  arrived(): string;
}

/**
 * The one reader of JSON response bodies: the token endpoint, managed identity, device code,
 * instance discovery and the Pipelines OIDC endpoint all go through it.
 *
 * @param response - the reply.
 * @param secrets - every secret value the request carried, redacted from `arrived()` and `header()`.
 */
export function readJsonResponse(
  response: HttpResponse,
  secrets: readonly string[] = [],
): JsonResponse {
  const json = parseJson(response.body.toString("utf8"));
  return {
    json,
    record: asRecord(json),
    arrived: () =>
      `HTTP ${response.status}, content-type ${serverText(String(response.headers["content-type"] ?? "none"), secrets)}, body starting ${JSON.stringify(serverText(response.body.toString(), secrets, 80))}`,
  };
}
