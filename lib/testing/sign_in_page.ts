/**
 * The emulator's sign-in page: a form that carries the authorize request's parameters and posts
 * back to `/authorize` with the user name. No password is asked: it is a test double.
 *
 * @module
 */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML page for an authorize request with query `q`, suggesting `username`. */
export function signInPage(q: URLSearchParams, username: string): string {
  const hidden = [...q]
    .filter(([name]) => name !== "username")
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - entra-zero emulator</title></head>
<body>
<h1>Sign in</h1>
<p>entra-zero emulator: application ${escapeHtml(q.get("client_id") ?? "")}</p>
<form method="post" id="signin-form">
${hidden}
<label>User <input name="username" id="username" value="${escapeHtml(username)}"></label>
<button type="submit" id="signin">Sign in</button>
</form>
</body></html>
`;
}
