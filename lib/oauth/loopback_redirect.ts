import { InvalidArgumentError } from "../errors.js";

/**
 * Parses the redirect URI a caller configured for a browser sign-in: the port and path to listen
 * on, and the redirect URI to send once the port is known (the configured one exactly when it
 * names a port; otherwise the listening port is added).
 * @throws InvalidArgumentError unless it is `http:` on `localhost` or `127.0.0.1` without query or fragment.
 */
export function parseLoopbackRedirectUri(
  credentialName: string,
  redirectUri = "http://localhost",
): { port: number; path: string; withPort: (port: number) => string } {
  const url = URL.canParse(redirectUri) ? new URL(redirectUri) : undefined;
  if (
    !url ||
    url.protocol !== "http:" ||
    !["localhost", "127.0.0.1"].includes(url.hostname) ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new InvalidArgumentError(
      `${credentialName}: "redirectUri" must be http://localhost[:port][/path] or http://127.0.0.1[:port][/path].`,
    );
  }
  const path = url.pathname === "/" && !redirectUri.endsWith("/") ? "" : url.pathname;
  return {
    port: Number(url.port),
    path: url.pathname,
    withPort: (port) => (url.port ? redirectUri : `http://${url.hostname}:${port}${path}`),
  };
}
