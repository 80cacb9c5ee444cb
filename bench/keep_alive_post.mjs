// The baseline of the "new credential in a warm process" row: the client-credentials POST made
// directly with node:https on one keep-alive agent. Shared by bench/run.mjs and
// bench/profile_warm.mjs so both compare against the same request.
import { Agent, request } from "node:https";

/**
 * Returns a function that POSTs the client-credentials form to `url` on a keep-alive agent
 * trusting `ca`, and resolves to the access token; its `close()` destroys the agent's sockets.
 */
export function keepAlivePoster({ url, ca, clientId, clientSecret, scope }) {
  const agent = new Agent({ keepAlive: true, ca });
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
    scope,
  }).toString();
  const headers = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Content-Length": Buffer.byteLength(body),
  };
  const post = () =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: "POST", agent, headers }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString()).access_token));
      });
      req.on("error", reject);
      req.end(body);
    });
  post.close = () => agent.destroy();
  return post;
}
