/** What replaces a redacted value. */
export const REDACTED = "[REDACTED]";

const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?/g;
const SECRET_JSON_FIELD =
  /("(?:access_?token|refresh_?token|token|id_?token|secret|client_secret|client_assertion|assertion|password|code|device_code)"\s*:\s*")[^"]*("|$)/gi;
const SECRET_FORM_FIELD =
  /(\b(?:access_token|refresh_token|id_token|client_secret|client_assertion|assertion|password|code|device_code)=)[^&\s"'<]+/gi;
const LONG_RUN = /[A-Za-z0-9+/_=-]{40,}/g;

/**
 * Removes secrets from text meant for a message or log line: each of `knownSecrets` (the values a
 * request carried), JWTs, the values of token-bearing JSON and form fields, and any run of 40 or
 * more base64 or hex characters.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(SECRET_JSON_FIELD, `$1${REDACTED}$2`)
    .replace(SECRET_FORM_FIELD, `$1${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(LONG_RUN, REDACTED);
}

/** The first `max` characters of a response body, printable, single-line and redacted: what arrived, for a message. */
export function describeBody(body: Buffer, knownSecrets: readonly string[] = [], max = 80): string {
  const text = redactSecrets(body.subarray(0, max * 4).toString("utf8"), knownSecrets)
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .trim();
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
