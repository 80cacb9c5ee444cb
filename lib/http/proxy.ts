import type * as https from "node:https";
import type * as tls from "node:tls";
import type { Duplex } from "node:stream";
import { InvalidArgumentError } from "../errors.js";
import type { ProxyOptions } from "../types.js";

/** A resolved proxy: where to connect, and the `Proxy-Authorization` value if any. */
export interface ProxyTarget {
  hostname: string;
  port: number;
  authorization?: string;
}

function toTarget(
  credentialName: string,
  url: URL,
  username?: string,
  password?: string,
): ProxyTarget {
  if (url.protocol !== "http:") {
    throw new InvalidArgumentError(
      `${credentialName}: only http:// proxies are supported (a CONNECT tunnel carries the TLS); got ${url.protocol}//.`,
    );
  }
  const user = username ?? decodeURIComponent(url.username);
  const pass = password ?? decodeURIComponent(url.password);
  const target: ProxyTarget = {
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port) || 80,
  };
  if (user) target.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
  return target;
}

const PROXY_VARIABLES = [
  "HTTPS_PROXY",
  "ALL_PROXY",
  "HTTP_PROXY",
  "https_proxy",
  "all_proxy",
  "http_proxy",
] as const;

/**
 * The proxy for HTTPS requests: `proxyOptions`, else `HTTPS_PROXY`, `ALL_PROXY`, `HTTP_PROXY`
 * (upper case first, then lower case). Undefined when none is set.
 *
 * @throws InvalidArgumentError for a malformed or non-http proxy URL (credentials never echoed).
 */
export function resolveProxy(
  credentialName: string,
  options: ProxyOptions | undefined,
  env: NodeJS.ProcessEnv,
): ProxyTarget | undefined {
  let raw = options?.host;
  // Stops at the first one set; each read of process.env is a call into the C++ runtime.
  if (!options) for (const name of PROXY_VARIABLES) if ((raw = env[name]?.trim())) break;
  if (!raw) return undefined;
  const text = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url) {
    const where = options
      ? `"proxyOptions.host" is not a valid host`
      : "the proxy in HTTPS_PROXY/HTTP_PROXY is not a valid URL";
    throw new InvalidArgumentError(`${credentialName}: ${where}.`);
  }
  if (options?.port) url.port = String(options.port);
  return toTarget(credentialName, url, options?.username, options?.password);
}

/**
 * Whether `NO_PROXY` exempts a host: entries are separated by commas or spaces; `*` matches all,
 * `example.com` and `.example.com` match the domain and its subdomains, `host:port` matches that port.
 */
export function isProxyBypassed(hostname: string, port: number, env: NodeJS.ProcessEnv): boolean {
  const list = (env.NO_PROXY ?? env.no_proxy ?? "").split(/[\s,]+/).filter(Boolean);
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return list.some((entry) => {
    if (entry === "*") return true;
    const [name = "", entryPort] = entry
      .toLowerCase()
      .replace(/^\[|\]$/g, "")
      .split(/:(?=\d+$)/);
    if (entryPort && Number(entryPort) !== port) return false;
    const domain = name.replace(/^\*?\./, "");
    return host === domain || host.endsWith(`.${domain}`);
  });
}

/**
 * An HTTPS agent that reaches every host through an HTTP CONNECT tunnel and then runs TLS to the
 * real host inside it, so the proxy never sees the request. Sockets are kept alive per host.
 */
export function createTunnelAgent(
  proxy: ProxyTarget,
  agentOptions: https.AgentOptions,
): https.Agent {
  const agent = new (process.getBuiltinModule("node:https").Agent)(agentOptions);
  const createConnection = (
    options: tls.ConnectionOptions & { host?: string; port?: number },
    callback: (error: Error | null, socket?: Duplex) => void,
  ) => {
    const authority = `${options.host}:${options.port}`;
    const headers: Record<string, string> = { Host: authority };
    if (proxy.authorization) headers["Proxy-Authorization"] = proxy.authorization;
    const connect = process.getBuiltinModule("node:http").request({
      host: proxy.hostname,
      port: proxy.port,
      method: "CONNECT",
      path: authority,
      headers,
      agent: false,
    });
    connect.once("connect", (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        const error = Object.assign(
          new Error(
            `the proxy ${proxy.hostname}:${proxy.port} refused the tunnel to ${authority} (HTTP ${response.statusCode})`,
          ),
          { code: "ERR_PROXY" },
        );
        return callback(error);
      }
      const secure = process.getBuiltinModule("node:tls").connect({
        ...options,
        socket,
        servername: options.servername ?? (options.host as string),
      });
      secure.once("secureConnect", () => callback(null, secure));
      secure.once("error", (error) => callback(error));
    });
    connect.once("error", (error) =>
      callback(
        Object.assign(error, { code: (error as NodeJS.ErrnoException).code ?? "ERR_PROXY" }),
      ),
    );
    connect.end();
    return undefined;
  };
  (agent as unknown as { createConnection: typeof createConnection }).createConnection =
    createConnection;
  return agent;
}
