const JWT_LIKE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g;
const SECRET_FIELDS = /("?(?:access_token|refresh_token|id_token|client_secret|client_assertion|assertion|code|password|device_code)"?\s*[:=]\s*"?)[^"&\s,}]+/gi;

/**
 * Removes secrets from text meant for a message or log line: every value in `secrets`, anything
 * shaped like a JWT, and the values of token-bearing fields in JSON or form text.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out.replace(JWT_LIKE, "[redacted-jwt]").replace(SECRET_FIELDS, "$1[redacted]");
}

/** The first `max` characters of a response body, printable, single-line and redacted: what arrived, for a message. */
export function describeBody(body: Buffer, secrets: readonly string[] = [], max = 80): string {
  const text = body.subarray(0, max * 4).toString("utf8").replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  const clipped = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(redact(clipped, secrets));
}
