import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

/** A loopback HTTP CONNECT proxy that records the tunnels asked for and can demand credentials. */
export class ConnectProxy {
  readonly tunnels: Array<{ target: string; authorization?: string }> = [];
  requiredAuthorization?: string;
  readonly #sockets = new Set<Socket>();
  #server!: Server;
  port = 0;

  static async start(): Promise<ConnectProxy> {
    const proxy = new ConnectProxy();
    proxy.#server = createServer((_req, res) => {
      res.writeHead(405).end();
    });
    proxy.#server.on("connect", (req, client: Socket, head: Buffer) => {
      proxy.#sockets.add(client);
      const authorization = req.headers["proxy-authorization"];
      proxy.tunnels.push({ target: req.url ?? "", ...(authorization ? { authorization } : {}) });
      if (proxy.requiredAuthorization && authorization !== proxy.requiredAuthorization) {
        client.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      const [host, port] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      proxy.#sockets.add(upstream);
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.#server.listen(0, "127.0.0.1", resolve));
    proxy.port = (proxy.#server.address() as AddressInfo).port;
    return proxy;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
