import { InvalidArgumentError } from "../errors.js";
import { asRecord, parseJson, text } from "../util/json.js";
import { serverText } from "../util/redact.js";
import type { TokenResult } from "./token_response.js";

/** The only `version` of {@link AuthenticationRecord} this package reads and writes. */
const AUTHENTICATION_RECORD_VERSION = "1.0";

/**
 * The account a user credential signed in, as `@azure/identity` defines it. It holds identifiers
 * only, never a token, so it can be stored and handed to a later credential's
 * `authenticationRecord` option.
 */
export interface AuthenticationRecord {
  /** The authority host the account signed in at, e.g. `login.microsoftonline.com`. */
  authority: string;
  /** `<object id>.<home tenant id>`, from Entra's `client_info`. */
  homeAccountId: string;
  /** The application (client) id the account signed in to. */
  clientId: string;
  /** The tenant that issued the tokens. */
  tenantId: string;
  /** The user's sign-in name, e.g. `ada@contoso.com`. */
  username: string;
  /** The record format; `"1.0"` when produced by this package. */
  version?: string;
}

const FIELDS = ["authority", "homeAccountId", "clientId", "tenantId", "username"] as const;

function decodeJsonSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (!segment || !/^[A-Za-z0-9_-]+={0,2}$/.test(segment)) return undefined;
  return asRecord(parseJson(Buffer.from(segment, "base64url").toString("utf8")));
}

/**
 * Builds the record of the signed-in account from `client_info` and the id token's claims
 * (`preferred_username`, `tid`). Returns undefined when the reply identifies no account.
 *
 * The id token's signature is not checked: it came straight from the token endpoint over TLS,
 * which OpenID Connect Core §3.1.3.7 accepts in place of signature validation, and only its
 * display claims are used, never for an authorization decision.
 *
 * @param authorityHost - the authority host URL the tokens came from.
 * @param clientId - the application the account signed in to.
 * @param reply - Entra's `client_info` (base64url JSON `{ uid, utid }`) and OpenID Connect id token.
 */
export function accountFromTokenResponse(
  authorityHost: string,
  clientId: string,
  reply: Pick<TokenResult, "clientInfo" | "idToken">,
): AuthenticationRecord | undefined {
  const info = decodeJsonSegment(reply.clientInfo);
  const claims = decodeJsonSegment(reply.idToken?.split(".")[1]);
  const uid = text(info?.uid) ?? text(claims?.oid);
  const utid = text(info?.utid) ?? text(claims?.tid);
  if (!uid || !utid) return undefined;
  return {
    authority: new URL(authorityHost).host,
    homeAccountId: `${uid}.${utid}`,
    clientId,
    tenantId: text(claims?.tid) ?? utid,
    username: text(claims?.preferred_username) ?? text(claims?.upn) ?? text(claims?.email) ?? "",
    version: AUTHENTICATION_RECORD_VERSION,
  };
}

/**
 * Serializes a record to JSON, for storing it between runs.
 *
 * @param record - the record returned by `authenticate()`.
 * @returns JSON text holding identifiers only, no token.
 */
export function serializeAuthenticationRecord(record: AuthenticationRecord): string {
  return JSON.stringify(record);
}

/**
 * Reads a record written by {@link serializeAuthenticationRecord} (or by `@azure/identity`).
 *
 * @param serializedRecord - the JSON text.
 * @returns the record.
 * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for text that is not a record, or a
 *   `version` other than `"1.0"`.
 */
export function deserializeAuthenticationRecord(serializedRecord: string): AuthenticationRecord {
  const raw = asRecord(parseJson(serializedRecord));
  const fail = (message: string) =>
    new InvalidArgumentError(`deserializeAuthenticationRecord: ${message}`);
  if (!raw) throw fail("the text is not a JSON object.");
  if (raw.version !== undefined && raw.version !== AUTHENTICATION_RECORD_VERSION) {
    throw fail(
      `unsupported AuthenticationRecord version ${serverText(JSON.stringify(raw.version) ?? "", [], 40)}; expected "1.0".`,
    );
  }
  const wrong = FIELDS.find((field) => typeof raw[field] !== "string");
  if (wrong) throw fail(`"${wrong}" must be a string.`);
  const record = Object.fromEntries(FIELDS.map((field) => [field, raw[field]]));
  if (raw.version !== undefined) record.version = AUTHENTICATION_RECORD_VERSION;
  return record as unknown as AuthenticationRecord;
}
