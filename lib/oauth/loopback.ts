import type { AddressInfo } from "node:net";
import {
  AbortError,
  AuthenticationError,
  authenticationFailure,
  CredentialUnavailableError,
} from "../errors.js";
import type { AbortSignalLike, InternalOptions } from "../types.js";
import { parseLoopbackRedirectUri } from "./loopback_redirect.js";
import { constantTimeEqual } from "./pkce.js";

/** How long a user has to finish signing in before the loopback server gives up. */
const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60 * 1000;

const SUCCESS_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signed in</title></head><body><p>Authentication complete. You can close this window and return to the application.</p></body></html>';
const ERROR_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign-in failed</title></head><body><p>Authentication failed. Return to the application for details.</p></body></html>';

/**
 * Settings of one loopback server: `redirectUri`, `http://localhost[:port][/path]` or
 * `http://127.0.0.1…` (default `http://localhost` on a random port), and `signInTimeoutMs`, how
 * long the user has to finish signing in (default 5 minutes).
 */
export type LoopbackOptions = Pick<InternalOptions, "signInTimeoutMs"> & { redirectUri?: string };

/** A listening loopback server waiting for one authorization reply. */
export interface LoopbackServer {
  /** The redirect URI to send, with the port the server listens on. */
  readonly redirectUri: string;
  /** Settles with the authorization code, or rejects; the server is already closing by then. */
  readonly code: Promise<string>;
  /** Stops listening and drops every connection; resolves once the server is closed. Idempotent. */
  close(): Promise<void>;
}

/**
 * Reads the authorization reply: the code, or the error to reject the sign-in with. `state` is
 * compared in constant time before anything else is believed.
 */
function readReply(params: URLSearchParams, expectedState: string, name: string): string | Error {
  const state = params.get("state");
  if (state === null || !constantTimeEqual(state, expectedState)) {
    return authenticationFailure(
      name,
      "ERR_STATE_MISMATCH",
      `the sign-in reply's "state" does not match the request, so it was refused and no token was requested. Sign in again.`,
    );
  }
  const error = params.get("error");
  if (error !== null) {
    const body = { error, error_description: params.get("error_description") ?? "" };
    return new AuthenticationError(0, body, { credentialName: name });
  }
  const code = params.get("code");
  if (code) return code;
  return authenticationFailure(
    name,
    "ERR_RESPONSE_INVALID",
    `the sign-in reply carries neither "code" nor "error".`,
  );
}

/**
 * Starts an HTTP server on 127.0.0.1 that accepts exactly one authorization reply on the redirect
 * path: it checks `state` in constant time, turns Entra's `error` into an {@link AuthenticationError},
 * and stops listening as soon as the reply is handled, on timeout, or on abort.
 *
 * @throws CredentialUnavailableError (`ERR_LOOPBACK_LISTEN`) when the port cannot be bound.
 */
export async function startLoopbackServer(
  name: string,
  expectedState: string,
  signal: AbortSignalLike | undefined,
  options: LoopbackOptions,
): Promise<LoopbackServer> {
  const target = parseLoopbackRedirectUri(name, options.redirectUri);
  const timeoutMs = options.signInTimeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  let settle!: (outcome: string | Error) => void;
  const code = new Promise<string>((resolve, reject) => {
    settle = (outcome) => (typeof outcome === "string" ? resolve(outcome) : reject(outcome));
  });
  code.catch(() => undefined);

  const server = process.getBuiltinModule("node:http").createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    // The server stops listening as the reply settles: a later request is not the reply.
    if (!server.listening || req.method !== "GET" || url.pathname !== target.path) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
      res.end("Not found");
      return;
    }
    // Stop accepting new connections at once; the reply below still goes out.
    server.close();
    const outcome = readReply(url.searchParams, expectedState, name);
    settle(outcome);
    const page = typeof outcome === "string" ? SUCCESS_PAGE : ERROR_PAGE;
    res.writeHead(typeof outcome === "string" ? 200 : 400, {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Length": Buffer.byteLength(page),
      Connection: "close",
      "Cache-Control": "no-store",
    });
    res.end(page, () => void close());
  });
  const closed = new Promise<void>((resolve) => server.once("close", resolve));
  const close = (): Promise<void> => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    if (server.listening) server.close();
    server.closeAllConnections();
    return closed;
  };
  const fail = (error: Error) => {
    settle(error);
    void close();
  };
  const onAbort = () => fail(new AbortError(`${name}: the operation was aborted.`));
  const timeout = authenticationFailure(
    name,
    "ERR_TIMEOUT",
    `the user did not complete sign-in within ${Math.round(timeoutMs / 1000)} s; the loopback server was closed.`,
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(target.port, "127.0.0.1", resolve);
  }).catch((cause: NodeJS.ErrnoException) => {
    throw new CredentialUnavailableError(
      `${name}: cannot listen on 127.0.0.1:${target.port} for the sign-in reply (${cause.code ?? cause.message}).`,
      { code: "ERR_LOOPBACK_LISTEN", cause },
    );
  });
  const timer = setTimeout(() => fail(timeout), timeoutMs);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return { redirectUri: target.withPort((server.address() as AddressInfo).port), code, close };
}
