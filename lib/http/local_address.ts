/**
 * Whether a host name is a loopback or link-local address (`localhost`, 127.0.0.0/8, ::1,
 * 169.254.0.0/16, fe80::/10): the only places plain HTTP is acceptable, for platform endpoints.
 */
export function isLoopbackOrLinkLocal(hostname: string): boolean {
  const { isIPv4, isIPv6 } = process.getBuiltinModule("node:net");
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost") return true;
  if (isIPv4(host)) return host.startsWith("127.") || host.startsWith("169.254.");
  if (isIPv6(host))
    return (
      host === "::1" || /^fe[89ab][0-9a-f]?:/.test(host) || /^::ffff:(127\.|169\.254\.)/.test(host)
    );
  return false;
}
