/**
 * Pure parsers for what `az`, `azd` and the PowerShell script print. They never throw and never
 * put a token into a failure reason; the credentials turn a failure into an error.
 *
 * @module
 */
import { redactSecrets } from "../util/redact.js";
import { stripAnsi } from "./redact.js";

/** A token read from a tool's output. */
export interface ToolToken {
  /** The bearer token. */
  token: string;
  /** Expiry in milliseconds since the epoch. */
  expiresOnTimestamp: number;
}

/** The result of a parser: a token, or why the output was not usable (safe to show). */
export type ParseResult = { ok: true; value: ToolToken } | { ok: false; reason: string };

/** The line the PowerShell script prints on success: marker, token, expiry in epoch seconds. */
export const POWERSHELL_TOKEN_MARKER = "entrazero%";

/** What the PowerShell script prints when Az.Accounts ≥ 2.2.0 cannot be imported. */
export const POWERSHELL_NO_MODULE_MARKER = "ENTRA_ZERO_NO_AZ_ACCOUNTS";

const AZ_LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}

function parseObject(stdout: string): Record<string, unknown> | string {
  const text = stdout.trim();
  if (text === "") return "the output was empty";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `the output was not JSON (it began with "${redactSecrets(stripAnsi(text.slice(0, 60)))}")`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return "the output was JSON but not an object";
  return value as Record<string, unknown>;
}

/**
 * Reads a naive `YYYY-MM-DD HH:MM:SS[.ffffff]` time (as `az` prints `expiresOn`) in the local time
 * zone, or an ISO 8601 time with a zone.
 *
 * @returns milliseconds since the epoch, or `undefined` when the text is in neither form.
 */
export function parseToolTime(text: string): number | undefined {
  const local = text.trim().match(AZ_LOCAL_TIME);
  if (local) {
    const [, y, mo, d, h, mi, s, fraction = "0"] = local.map((part) => part ?? "");
    const ms = Math.floor(Number(`0.${fraction || "0"}`) * 1000);
    const date = new Date(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s),
      ms,
    );
    return Number.isNaN(date.getTime()) || date.getMonth() !== Number(mo) - 1
      ? undefined
      : date.getTime();
  }
  if (!ISO_WITH_ZONE.test(text.trim())) return undefined;
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

function epochSeconds(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value * 1000;
  if (typeof value === "string" && /^\d{1,12}$/.test(value.trim()))
    return Number(value.trim()) * 1000;
  return undefined;
}

/**
 * Parses `az account get-access-token --output json`: `accessToken`, and the expiry from
 * `expires_on` (epoch seconds, az ≥ 2.54.0) when present, else from `expiresOn` (local time).
 */
export function parseAzureCliOutput(stdout: string): ParseResult {
  const body = parseObject(stdout);
  if (typeof body === "string") return fail(body);
  if (typeof body.accessToken !== "string" || body.accessToken === "")
    return fail(`"accessToken" is missing or not a non-empty string`);
  if (body.expires_on !== undefined) {
    const expires = epochSeconds(body.expires_on);
    if (expires === undefined)
      return fail(`"expires_on" is not a whole number of seconds since the epoch`);
    return { ok: true, value: { token: body.accessToken, expiresOnTimestamp: expires } };
  }
  if (typeof body.expiresOn !== "string")
    return fail(`neither "expires_on" nor "expiresOn" is present`);
  const expires = parseToolTime(body.expiresOn);
  if (expires === undefined)
    return fail(`"expiresOn" is not a time like "2024-01-01 12:00:00.000000"`);
  return { ok: true, value: { token: body.accessToken, expiresOnTimestamp: expires } };
}

/** Parses `azd auth token --output json`: `token` and `expiresOn` (ISO 8601). */
export function parseAzdOutput(stdout: string): ParseResult {
  const body = parseObject(stdout);
  if (typeof body === "string") return fail(body);
  if (typeof body.token !== "string" || body.token === "")
    return fail(`"token" is missing or not a non-empty string`);
  if (typeof body.expiresOn !== "string") return fail(`"expiresOn" is missing or not a string`);
  const expires = parseToolTime(body.expiresOn);
  if (expires === undefined) return fail(`"expiresOn" is not an ISO 8601 time`);
  return { ok: true, value: { token: body.token, expiresOnTimestamp: expires } };
}

/**
 * Parses the PowerShell script's output: the first whitespace-separated word starting with
 * {@link POWERSHELL_TOKEN_MARKER}, split into token and epoch seconds. Text before it (profile
 * banners, warnings) is ignored.
 */
export function parsePowerShellOutput(stdout: string): ParseResult {
  const word = stripAnsi(stdout)
    .split(/\s+/)
    .find((w) => w.startsWith(POWERSHELL_TOKEN_MARKER));
  if (word === undefined) return fail("the token line is missing");
  const [, token = "", seconds = "", ...rest] = word.split("%");
  if (token === "" || rest.length > 0) return fail("the token line has no token");
  const expires = epochSeconds(seconds);
  if (expires === undefined) return fail("the token line has no expiry");
  return { ok: true, value: { token, expiresOnTimestamp: expires } };
}

/**
 * The message inside `azd`'s stderr: the first JSON line with a string `error` (azd ≥ 1.24:
 * `{"error","message","suggestion"}`, joined), else the first legacy
 * `{"type":"consoleMessage","data":{"message"}}`, else the text unchanged.
 */
export function extractAzdErrorMessage(stderr: string): string {
  const objects: Record<string, unknown>[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("{")) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (value !== null && typeof value === "object" && !Array.isArray(value))
        objects.push(value as Record<string, unknown>);
    } catch {
      // not a JSON line: azd also prints plain text
    }
  }
  const modern = objects.find((o) => typeof o.error === "string");
  if (modern) {
    return [modern.error, modern.message, modern.suggestion]
      .filter((part): part is string => typeof part === "string" && part.trim() !== "")
      .map((part) => part.trim())
      .join(" ");
  }
  for (const o of objects) {
    const data = o.data as Record<string, unknown> | null | undefined;
    if (o.type === "consoleMessage" && data && typeof data.message === "string")
      return data.message.trim();
  }
  return stderr;
}
