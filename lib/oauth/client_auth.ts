import {
  AbortError,
  AuthenticationError,
  authenticationFailure,
  CertificateError,
  CredentialUnavailableError,
} from "../errors.js";
import type { FormFields } from "./form.js";
import type { RequestSettings } from "./token_client.js";

/** The `client_assertion_type` of JWT client assertions (RFC 7523 §2.2). */
export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** How a client proves its identity to the token endpoint. */
export type ClientAuthentication =
  | { kind: "none" }
  | { kind: "secret"; secret: string }
  | {
      kind: "assertion";
      /** Returns a fresh client assertion for the given token endpoint, within the request's settings. */
      getAssertion: (tokenEndpoint: string, request: RequestSettings) => Promise<string> | string;
    };

/**
 * Errors this package already made precise (e.g. a missing federated token file, or a PKCS#12
 * certificate decoded on first use) pass through unwrapped.
 */
function isOwnError(error: unknown): boolean {
  return [CredentialUnavailableError, AuthenticationError, AbortError, CertificateError].some(
    (c) => error instanceof c,
  );
}

/** The form fields of client authentication, and the secrets among them. */
export interface ClientAuthFields {
  fields: FormFields;
  secrets: string[];
}

/**
 * Produces the client authentication fields for one request; an assertion callback runs here, once
 * per request.
 *
 * @throws AuthenticationError `ERR_ASSERTION_CALLBACK` when the callback throws or returns no string;
 *   this package's own errors thrown by the callback pass through unchanged.
 */
export async function clientAuthFields(
  credentialName: string,
  auth: ClientAuthentication,
  tokenEndpoint: string,
  request: RequestSettings = {},
): Promise<ClientAuthFields> {
  switch (auth.kind) {
    case "none":
      return { fields: {}, secrets: [] };
    case "secret":
      return { fields: { client_secret: auth.secret }, secrets: [auth.secret] };
    case "assertion": {
      const fail = (message: string, cause?: unknown) =>
        authenticationFailure(credentialName, "ERR_ASSERTION_CALLBACK", message, { cause });
      let assertion: unknown;
      try {
        assertion = await auth.getAssertion(tokenEndpoint, request);
      } catch (cause) {
        if (isOwnError(cause)) throw cause;
        const why = cause instanceof Error ? cause.message : "the callback threw";
        throw fail(`the client assertion could not be obtained: ${why}.`, cause);
      }
      if (typeof assertion !== "string" || assertion.trim() === "") {
        throw fail("the client assertion callback must return a non-empty string.");
      }
      return {
        fields: { client_assertion: assertion, client_assertion_type: JWT_BEARER_ASSERTION_TYPE },
        secrets: [assertion],
      };
    }
  }
}
