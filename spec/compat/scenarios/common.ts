/**
 * Shared by the scenario scripts that the real-client specs run in a loopback-only network
 * namespace: each starts the emulator inside the namespace, drives one real client against it and
 * prints one JSON report that the spec checks.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What a scenario reports of one request the emulator received. */
export interface SeenRequest {
  method: string;
  path: string;
  /** The query parameters (the emulator has redacted secrets). */
  query?: Record<string, string>;
  /** Form field names in wire order (values left out: they hold secrets). */
  fields: string[];
  grantType?: string;
  clientInfo?: string;
  claims?: string;
  userAgent?: string;
  /** The Host header: the name the client thought it was talking to. */
  host?: string;
}

/** The request record of an emulator, without secrets. */
export function summarise(
  requests: ReadonlyArray<{
    method: string;
    path: string;
    query?: Record<string, string>;
    headers: Record<string, string | string[] | undefined>;
    form: Record<string, string>;
    fieldOrder?: string[];
  }>,
): SeenRequest[] {
  return requests.map((request) => ({
    ...(request.query && Object.keys(request.query).length ? { query: request.query } : {}),
    method: request.method,
    path: request.path,
    fields: request.fieldOrder ?? Object.keys(request.form),
    ...(request.form.grant_type ? { grantType: request.form.grant_type } : {}),
    ...(request.form.client_info ? { clientInfo: request.form.client_info } : {}),
    ...(request.form.claims ? { claims: request.form.claims } : {}),
    ...(typeof request.headers["user-agent"] === "string"
      ? { userAgent: request.headers["user-agent"] }
      : {}),
    ...(typeof request.headers.host === "string" ? { host: request.headers.host } : {}),
  }));
}

/** A new temporary directory, removed by the returned function. */
export function temporaryDirectory(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `entra-zero-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Prints the report as the scenario's only stdout. */
export function report(value: unknown): void {
  process.stdout.write(JSON.stringify(value));
}
