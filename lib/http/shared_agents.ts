import type * as http from "node:http";
import type { TlsOptions } from "../types.js";
import { createTunnelAgent, type ProxyTarget } from "./proxy.js";

/** The connection settings that decide which keep-alive pool a request may use. */
export interface PoolSettings {
  /** `http:` only for managed-identity endpoints on loopback or link-local addresses. */
  protocol: "http:" | "https:";
  tlsOptions?: TlsOptions;
  /** HTTPS through this proxy's CONNECT tunnel. */
  proxy?: ProxyTarget;
}

// One pool per distinct settings for the life of the process, so a credential created in a warm
// process reuses a warm socket. Node's agent unrefs idle sockets, so they never hold the process
// open, and the server's keep-alive timeout ends them. Keyed by protocol and proxy, then by the
// CA text: a CA string is its own key, so a credential per request does not copy it.
const pools = new Map<string, Map<string, http.Agent>>();

function caKey(ca: TlsOptions["ca"]): string {
  if (typeof ca === "string") return ca;
  const list = ca === undefined ? [] : Array.isArray(ca) ? ca : [ca];
  return list.map((item) => (typeof item === "string" ? item : item.toString("latin1"))).join("\0");
}

/**
 * The keep-alive agent shared by every transport with the same protocol, trusted CAs and proxy.
 * It is never destroyed: one credential's `close()` must not break another's request on it.
 */
export function sharedAgent(settings: PoolSettings): http.Agent {
  const { protocol, tlsOptions, proxy } = settings;
  const route = proxy
    ? JSON.stringify([protocol, proxy.hostname, proxy.port, proxy.authorization])
    : protocol;
  let byCa = pools.get(route);
  if (!byCa) pools.set(route, (byCa = new Map()));
  const ca = caKey(tlsOptions?.ca);
  let agent = byCa.get(ca);
  if (!agent) {
    const agentOptions = { keepAlive: true, ca: tlsOptions?.ca };
    if (protocol === "http:")
      agent = new (process.getBuiltinModule("node:http").Agent)(agentOptions);
    else if (proxy) agent = createTunnelAgent(proxy, agentOptions);
    else agent = new (process.getBuiltinModule("node:https").Agent)(agentOptions);
    byCa.set(ca, agent);
  }
  return agent;
}
