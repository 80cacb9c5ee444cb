import type * as http from "node:http";
import type * as https from "node:https";
import { AbortError, InvalidArgumentError, authenticationFailure } from "../errors.js";
import type { IdentityErrorCode } from "../errors.js";
import type { AbortSignalLike, TlsOptions } from "../types.js";
import type { CredentialLogger } from "../util/logger.js";
import { VERSION } from "../version.js";
import { CERT_MISMATCH_CODE } from "./pinned_agent.js";
import type { ProxyTarget } from "./proxy.js";
import { sharedAgent } from "./shared_agents.js";

/** One HTTP request. */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Milliseconds for the whole attempt: connect, send, and read the full response. */
  timeoutMs: number;
  signal?: AbortSignalLike;
}

/** A complete HTTP response; the body was read in full and is within the size cap. */
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Sends single HTTP attempts over the keep-alive pool shared by transports with the same TLS and
 * proxy settings; `close()` ends this transport's own requests and leaves the pool to the others.
 */
export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/** Settings of a credential's transport. */
export interface TransportOptions {
  /** Starts every error message. */
  credentialName: string;
  tlsOptions?: TlsOptions;
  userAgentPrefix?: string;
  /** Response bodies above this size are refused (default 1 MiB). */
  maxResponseBytes?: number;
  /** Permit `http:` URLs; only managed-identity endpoints on link-local or loopback addresses use it. */
  allowInsecureHttp?: boolean;
  /** Send HTTPS requests through this proxy, except to hosts `bypassProxy` exempts. */
  proxy?: ProxyTarget;
  /** Whether a host is exempt from the proxy (`NO_PROXY`). */
  bypassProxy?: (hostname: string, port: number) => boolean;
  /** Use this agent for `https:` instead of the shared pool (e.g. one that pins the server certificate); `close()` destroys it. */
  httpsAgent?: https.Agent;
  /** Receives one `verbose` line per request and per response: method, URL without query, status. */
  logger?: CredentialLogger;
}

const ONCE = { once: true } as const;

/** The default response size cap. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

// Built-ins and values used on every request, looked up once (on first use, never at import).
let baseUserAgent: string | undefined;
let newRequestId: (() => string) | undefined;
let httpsRequest: typeof https.request | undefined;
let httpRequest: typeof http.request | undefined;

// The URL of the last request, parsed: a credential created per request posts where the previous
// one did. Nothing changes a parsed URL: this file and `http.request` only read it.
let lastUrl: { text: string; url: URL } | undefined;

function parseUrl(text: string): URL {
  if (lastUrl?.text === text) return lastUrl.url;
  const url = new URL(text);
  lastUrl = { text, url };
  return url;
}

/** The `User-Agent` this package sends. */
export function userAgent(prefix?: string): string {
  const base =
    (baseUserAgent ??= `entra-zero/${VERSION} Node/${process.versions.node} (${process.platform}; ${process.arch})`);
  return prefix ? `${prefix} ${base}` : base;
}

/**
 * Checks a value bound for an HTTP header where it enters (constructor, environment, key file), so
 * a bad one never reaches `http.request`: Node refuses line breaks, other controls but tab, and
 * anything beyond Latin-1.
 *
 * @param setting - names the value in the message; the value itself is never shown (it may be a secret).
 * @throws InvalidArgumentError `ERR_INVALID_ARG_VALUE`.
 */
export function checkHeaderValue(credentialName: string, setting: string, value?: string): void {
  if (value !== undefined && /[^\t\x20-\x7e\x80-\xff]/.test(value))
    throw new InvalidArgumentError(
      `${credentialName}: ${setting} holds a line break, a control character or a character beyond Latin-1, which an HTTP header cannot carry.`,
    );
}

/** A transport error that retrying may cure: no response arrived, or the connection broke. */
export function isTransientTransportError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_TIMEOUT" || code === "ERR_NETWORK" || code === "ERR_RESPONSE_TRUNCATED";
}

/**
 * Creates the transport of one credential: `node:https` (loaded on the first request) over a
 * shared keep-alive pool, a timeout per attempt, abort, a response size cap, and redirects refused.
 */
export function createTransport(options: TransportOptions): Transport {
  const { credentialName } = options;
  checkHeaderValue(credentialName, '"userAgentOptions.userAgentPrefix"', options.userAgentPrefix);
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const { tlsOptions, proxy } = options;
  let direct: http.Agent | undefined, tunnel: http.Agent | undefined;
  const agentFor = (url: URL): http.Agent => {
    if (url.protocol === "http:") return sharedAgent({ protocol: "http:" });
    if (options.httpsAgent) return options.httpsAgent;
    const port = Number(url.port) || 443;
    if (proxy && !options.bypassProxy?.(url.hostname, port))
      return (tunnel ??= sharedAgent({ protocol: "https:", tlsOptions, proxy }));
    return (direct ??= sharedAgent({ protocol: "https:", tlsOptions }));
  };
  const ua = userAgent(options.userAgentPrefix);
  const aborted = () => new AbortError(`${credentialName}: the operation was aborted.`);
  const inFlight = new Set<() => void>();

  function send(request: HttpRequest): Promise<HttpResponse> {
    const url = parseUrl(request.url);
    const isHttps = url.protocol === "https:";
    if (!isHttps && !(url.protocol === "http:" && options.allowInsecureHttp)) {
      return Promise.reject(
        authenticationFailure(
          credentialName,
          "ERR_INVALID_ARG_VALUE",
          `refusing to send a request to ${url.protocol}//${url.host}: only https is allowed.`,
        ),
      );
    }
    if (request.signal?.aborted) return Promise.reject(aborted());
    const headers: Record<string, string> = {
      "User-Agent": ua,
      Accept: "application/json",
      "client-request-id": (newRequestId ??= process.getBuiltinModule("node:crypto").randomUUID)(),
      "return-client-request-id": "true",
      ...request.headers,
    };
    if (request.body !== undefined)
      headers["Content-Length"] = String(Buffer.byteLength(request.body));
    // Log lines are built only when verbose is on: this runs for every request.
    const log = options.logger?.enabled("verbose") ? options.logger : undefined;
    const target = log ? `${url.origin}${url.pathname}` : "";
    log?.verbose(`${request.method} ${target}`);
    const startedAt = log ? Date.now() : 0;

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let req: http.ClientRequest | undefined;
      const finish = (error: Error | undefined, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        inFlight.delete(onClose);
        clearTimeout(timer);
        request.signal?.removeEventListener("abort", onAbort);
        if (error) {
          req?.destroy();
          reject(error);
        } else {
          log?.verbose(
            `${request.method} ${target} answered HTTP ${response!.status} in ${Date.now() - startedAt} ms`,
          );
          resolve(response!);
        }
      };
      let status = 0;
      const fail = (code: IdentityErrorCode, message: string, cause?: unknown) =>
        finish(authenticationFailure(credentialName, code, message, { status, cause }));
      const onAbort = () => finish(aborted());
      const onClose = () =>
        finish(new AbortError(`${credentialName}: the credential was closed during the request.`));
      inFlight.add(onClose);
      const timer = setTimeout(
        () =>
          fail(
            "ERR_TIMEOUT",
            `no complete response from ${url.host} within ${request.timeoutMs} ms.`,
          ),
        request.timeoutMs,
      );
      const onResponse = (res: http.IncomingMessage) => {
        status = res.statusCode ?? 0;
        const from = () => `the response from ${url.host}`;
        const truncated = (cause?: unknown) =>
          fail("ERR_RESPONSE_TRUNCATED", `${from()} was cut off after ${size} bytes.`, cause);
        if (status >= 300 && status < 400) {
          res.resume();
          const what = `HTTP ${status} (a redirect); redirects are not followed for token requests.`;
          return fail("ERR_REDIRECT_REFUSED", `${url.host} answered ${what}`);
        }
        const declared = Number(res.headers["content-length"]);
        const limit = () => `the ${maxBytes}-byte limit.`;
        if (Number.isFinite(declared) && declared > maxBytes) {
          return fail(
            "ERR_RESPONSE_TOO_LARGE",
            `${from()} declares ${declared} bytes, over ${limit()}`,
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
          else fail("ERR_RESPONSE_TOO_LARGE", `${from()} exceeded ${limit()}`);
        });
        res.on("end", () =>
          res.complete
            ? finish(undefined, { status, headers: res.headers, body: Buffer.concat(chunks) })
            : truncated(),
        );
        res.on("error", truncated);
        res.on("aborted", () => truncated());
      };
      try {
        const open = isHttps
          ? (httpsRequest ??= process.getBuiltinModule("node:https").request)
          : (httpRequest ??= process.getBuiltinModule("node:http").request);
        req = open(url, { method: request.method, headers, agent: agentFor(url) }, onResponse);
      } catch (error) {
        // Node's message may quote the offending header value, which can be a secret: give the code only.
        const code = (error as NodeJS.ErrnoException).code ?? "an invalid request";
        return fail(
          "ERR_INVALID_ARG_VALUE",
          `the request to ${url.host} could not be built (${code}).`,
        );
      }
      req.on("error", (error: NodeJS.ErrnoException) => {
        const code = error.code ?? "";
        if (code === "ERR_PROXY" || code === CERT_MISMATCH_CODE)
          return fail(code, `${error.message}.`, error);
        // Node's codes for a server certificate that failed verification (untrusted, expired, wrong host).
        if (/CERT|UNABLE_TO_|HOSTNAME_MISMATCH|INVALID_CA/.test(code)) {
          const hint = `If a private CA or a TLS-inspecting proxy signs it, trust that CA with tlsOptions.ca or NODE_EXTRA_CA_CERTS.`;
          const what = `the TLS certificate of ${url.host} was not accepted (${code}).`;
          return fail("ERR_TLS_CERTIFICATE", `${what} ${hint}`, error);
        }
        fail("ERR_NETWORK", `could not reach ${url.host}: ${code || error.message}.`, error);
      });
      request.signal?.addEventListener("abort", onAbort, ONCE);
      req.end(request.body);
    });
  }

  return {
    send,
    close() {
      for (const end of [...inFlight]) end();
      options.httpsAgent?.destroy();
    },
  };
}
