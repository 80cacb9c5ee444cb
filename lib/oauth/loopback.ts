import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AbortError,
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../errors.js";
import type { AbortSignalLike } from "../types.js";
import { constantTimeEqual } from "./pkce.js";

/** How long a user has to finish signing in before the loopback server gives up. */
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60 * 1000;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1"]);

const SUCCESS_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signed in</title></head><body><p>Authentication complete. You can close this window and return to the application.</p></body></html>';
const ERROR_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign-in failed</title></head><body><p>Authentication failed. Return to the application for details.</p></body></html>';

/** Settings of one loopback server. */
export interface LoopbackOptions {
  credentialName: string;
  /** The `state` sent to `/authorize`; a reply without it is refused. */
  expectedState: string;
  /** `http://localhost[:port][/path]` or `http://127.0.0.1…`; default `http://localhost` on a random port. */
  redirectUri?: string;
  timeoutMs?: number;
  signal?: AbortSignalLike;
}

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
 * Parses the redirect URI a caller configured for a browser sign-in.
 * @throws InvalidArgumentError unless it is `http:` on `localhost` or `127.0.0.1` without query or fragment.
 */
export function parseLoopbackRedirectUri(
  credentialName: string,
  redirectUri: string | undefined,
): { hostname: string; port: number; path: string } {
  if (redirectUri === undefined) return { hostname: "localhost", port: 0, path: "/" };
  let url: URL | undefined;
  try {
    url = new URL(redirectUri);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    url.protocol !== "http:" ||
    !LOOPBACK_HOSTS.has(url.hostname) ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new InvalidArgumentError(
      `${credentialName}: "redirectUri" must be http://localhost[:port][/path] or http://127.0.0.1[:port][/path].`,
    );
  }
  return { hostname: url.hostname, port: url.port ? Number(url.port) : 0, path: url.pathname };
}

/**
 * Starts an HTTP server on 127.0.0.1 that accepts exactly one authorization reply on the redirect
 * path: it checks `state` in constant time, turns Entra's `error` into an {@link AuthenticationError},
 * and stops listening as soon as the reply is handled, on timeout, or on abort.
 *
 * @throws CredentialUnavailableError (`ERR_LOOPBACK_LISTEN`) when the port cannot be bound.
 */
export async function startLoopbackServer(options: LoopbackOptions): Promise<LoopbackServer> {
  const { credentialName, expectedState, signal } = options;
  const target = parseLoopbackRedirectUri(credentialName, options.redirectUri);
  const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  let settled = false;
  let resolveCode!: (code: string) => void;
  let rejectCode!: (error: Error) => void;
  const code = new Promise<string>((resolve, reject) => {
    resolveCode = resolve;
    rejectCode = reject;
  });
  code.catch(() => undefined);

  const server = createServer((req, res) => handle(req, res));
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  let closing = false;
  const close = (): Promise<void> => {
    if (!closing) {
      closing = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (server.listening) server.close();
      server.closeAllConnections();
    }
    return closed;
  };
  const settle = (outcome: { code: string } | { error: Error }) => {
    if (settled) return;
    settled = true;
    if ("code" in outcome) resolveCode(outcome.code);
    else rejectCode(outcome.error);
  };
  const fail = (error: Error) => {
    settle({ error });
    void close();
  };

  function reply(res: ServerResponse, status: number, page: string, then?: () => void): void {
    res.writeHead(status, {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Length": Buffer.byteLength(page),
      Connection: "close",
      "Cache-Control": "no-store",
    });
    res.end(page, then);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (settled || req.method !== "GET" || url.pathname !== target.path) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
      res.end("Not found");
      return;
    }
    // Stop accepting new connections at once; the reply below still goes out.
    server.close();
    const params = url.searchParams;
    const state = params.get("state");
    if (state === null || !constantTimeEqual(state, expectedState)) {
      settle({
        error: new AuthenticationError(0, null, {
          credentialName,
          code: "ERR_STATE_MISMATCH",
          message: `the sign-in reply's "state" does not match the request, so it was refused and no token was requested. Sign in again.`,
        }),
      });
      return reply(res, 400, ERROR_PAGE, () => void close());
    }
    const error = params.get("error");
    if (error !== null) {
      settle({
        error: new AuthenticationError(
          0,
          { error, error_description: params.get("error_description") ?? "" },
          { credentialName },
        ),
      });
      return reply(res, 400, ERROR_PAGE, () => void close());
    }
    const received = params.get("code");
    if (!received) {
      settle({
        error: new AuthenticationError(0, null, {
          credentialName,
          code: "ERR_RESPONSE_INVALID",
          message: `the sign-in reply carries neither "code" nor "error".`,
        }),
      });
      return reply(res, 400, ERROR_PAGE, () => void close());
    }
    settle({ code: received });
    reply(res, 200, SUCCESS_PAGE, () => void close());
  }

  const onAbort = () => fail(new AbortError(`${credentialName}: the operation was aborted.`));
  const timer = setTimeout(
    () =>
      fail(
        new AuthenticationError(0, null, {
          credentialName,
          code: "ERR_TIMEOUT",
          message: `the user did not complete sign-in within ${Math.round(timeoutMs / 1000)} s; the loopback server was closed.`,
        }),
      ),
    timeoutMs,
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause: NodeJS.ErrnoException) =>
      reject(
        new CredentialUnavailableError(
          `${credentialName}: cannot listen on 127.0.0.1:${target.port} for the sign-in reply (${cause.code ?? cause.message}).`,
          { code: "ERR_LOOPBACK_LISTEN", cause },
        ),
      ),
    );
    server.listen(target.port, "127.0.0.1", () => resolve());
  }).catch((error: unknown) => {
    clearTimeout(timer);
    throw error;
  });
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const port = (server.address() as AddressInfo).port;
  return { redirectUri: redirectUriFor(options.redirectUri, target.hostname, port), code, close };
}

/** The configured redirect URI exactly when it names a port; otherwise the listening port is added. */
function redirectUriFor(configured: string | undefined, hostname: string, port: number): string {
  if (configured === undefined) return `http://localhost:${port}`;
  const url = new URL(configured);
  if (url.port) return configured;
  const path = url.pathname === "/" && !configured.endsWith("/") ? "" : url.pathname;
  return `http://${hostname}:${port}${path}`;
}
