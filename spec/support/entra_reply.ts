import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

const ERROR_TIMESTAMP = "2026-11-20 10:00:00Z";

/** Answers with Entra's error body shape: `error`, an `AADSTS…` description, codes and ids. */
export function entraError(
  res: ServerResponse,
  status: number,
  error: string,
  code: number,
  description: string,
): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  json(res, status, {
    error,
    error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${ERROR_TIMESTAMP}`,
    error_codes: [code],
    timestamp: ERROR_TIMESTAMP,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: "https://login.microsoftonline.com/error?code=" + code,
  });
}

/** Answers with a JSON body. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}
