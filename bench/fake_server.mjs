// A minimal HTTPS token endpoint for the benchmarks: answers both libraries at once (the OpenID
// metadata @azure/identity reads first, and the token POST), counts requests and connections,
// and adds no work of its own so the client's cost is what gets measured.
import { createServer } from "node:https";
import { readFileSync } from "node:fs";

const fixture = (name) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));

/** Starts the server on a random loopback port. */
export async function startTokenServer() {
  const state = { requests: 0, posts: 0, connections: 0, delayMs: 0 };
  const server = createServer({ key: fixture("server.key"), cert: fixture("server.pem") });
  let base = "";
  server.on("secureConnection", () => state.connections++);
  server.on("request", (req, res) => {
    state.requests++;
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const json = (status, body) => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          "Content-Type": "application/json; charset=utf-8",
          "Content-Length": Buffer.byteLength(text),
        });
        res.end(text);
      };
      const path = req.url.split("?")[0];
      const [, tenant] = path.split("/");
      if (req.method === "GET" && path.endsWith("/.well-known/openid-configuration")) {
        return json(200, {
          token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
          end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
          issuer: `${base}/${tenant}/v2.0`,
          jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
        });
      }
      if (req.method === "POST" && path.endsWith("/oauth2/v2.0/token")) {
        state.posts++;
        const reply = () =>
          json(200, {
            token_type: "Bearer",
            expires_in: 3599,
            ext_expires_in: 3599,
            access_token: `bench-token-${state.posts}-${"x".repeat(1200)}`,
          });
        return state.delayMs ? setTimeout(reply, state.delayMs) : reply();
      }
      json(404, { error: "not_found", error_description: `${req.method} ${req.url}` });
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${server.address().port}`;
  return {
    url: base,
    state,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
