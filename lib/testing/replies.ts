/**
 * How the emulator answers: JSON bodies, and Entra's error shape (`error`, an `AADSTS…`
 * description with trace and correlation ids, `error_codes`, `timestamp`, `trace_id`,
 * `correlation_id`, `error_uri`).
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

/** An Entra error before it is sent: HTTP status, OAuth `error`, AADSTS number, description. */
export interface EntraFailure {
  status: number;
  error: string;
  code: number;
  description: string;
}

/** Builds an {@link EntraFailure}. */
export function failure(
  status: number,
  error: string,
  code: number,
  description: string,
): EntraFailure {
  return { status, error, code, description };
}

/** Entra's error body for a failure, with fresh trace and correlation ids. */
export function entraErrorBody(
  failed: EntraFailure,
  correlationId: string = randomUUID(),
): Record<string, unknown> {
  const traceId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  return {
    error: failed.error,
    error_description: `AADSTS${failed.code}: ${failed.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [failed.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failed.code}`,
  };
}

/** Answers with Entra's error body. */
export function sendFailure(res: ServerResponse, failed: EntraFailure): void {
  const asked = res.req?.headers["client-request-id"];
  sendJson(
    res,
    failed.status,
    entraErrorBody(failed, typeof asked === "string" && asked ? asked : undefined),
  );
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}

/** Answers with an HTML page. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
  });
  res.end(html);
}

/** Answers with a redirect. */
export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, "Content-Length": 0 });
  res.end();
}

/** Entra's answer for a tenant it does not know (AADSTS90002). */
export function unknownTenant(tenantId: string): EntraFailure {
  return failure(
    400,
    "invalid_request",
    90002,
    `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  );
}
