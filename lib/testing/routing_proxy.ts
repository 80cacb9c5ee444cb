/**
 * A loopback HTTP CONNECT proxy that routes Entra's host names to the emulator. A client that
 * knows only environment variables (a child process, the Azure CLI) asks
 * `login.microsoftonline.com` for instance discovery whatever its authority; with this proxy in
 * `HTTPS_PROXY` that request reaches the emulator, whose certificate names that host too. Tunnels
 * to any other host are refused (403), so a test never reaches the real network through it.
 *
 * @module
 */
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

/** The proxy of one emulator. */
export class RoutingProxy {
  /** `http://127.0.0.1:port`. */
  url = "";
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(routes: ReadonlySet<string>, target: { host: string; port: number }) {
    this.#server = createServer((_req, res) => res.writeHead(405).end());
    this.#server.on("connection", (socket: Socket) => this.#track(socket));
    this.#server.on("connect", (req, client: Socket, head: Buffer) => {
      this.#track(client);
      client.on("error", () => client.destroy());
      if (!routes.has((req.url ?? "").toLowerCase())) {
        client.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      const upstream = connect(target.port, target.host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      this.#track(upstream);
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
    });
  }

  /**
   * Starts the proxy on a random port of `target.host`.
   *
   * @param routes - the `host:port` pairs tunnelled to the target, lower case.
   * @param target - the emulator's address.
   */
  static async start(
    routes: ReadonlySet<string>,
    target: { host: string; port: number },
  ): Promise<RoutingProxy> {
    const proxy = new RoutingProxy(routes, target);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once("error", reject);
      proxy.#server.listen(0, target.host, resolve);
    });
    proxy.url = `http://${target.host}:${(proxy.#server.address() as AddressInfo).port}`;
    return proxy;
  }

  /** Stops the proxy and drops every tunnel. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
  }
}
