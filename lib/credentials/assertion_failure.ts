import { AuthenticationError, CredentialUnavailableError } from "../errors.js";

/**
 * The token client wraps any failure of a client-assertion callback as `ERR_ASSERTION_CALLBACK`.
 * Credentials whose callback is their own code (workload identity, Azure Pipelines) throw precise
 * errors from it; this returns that error so its class, code and message reach the caller as made.
 */
export function unwrapAssertionFailure(error: unknown): unknown {
  if (error instanceof AuthenticationError && error.code === "ERR_ASSERTION_CALLBACK") {
    const cause = error.cause;
    if (cause instanceof CredentialUnavailableError || cause instanceof AuthenticationError) return cause;
  }
  return error;
}
