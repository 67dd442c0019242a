/** The web session cookie: `loom_session`, HttpOnly, SameSite=Lax, Secure when the server is served over https. */

export const SESSION_COOKIE = "loom_session";

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

export function sessionCookie(secret: string, o: { secure: boolean; maxAgeSeconds: number }): string {
  return [
    `${SESSION_COOKIE}=${secret}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${o.maxAgeSeconds}`,
    ...(o.secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearSessionCookie(o: { secure: boolean }): string {
  return sessionCookie("", { ...o, maxAgeSeconds: 0 });
}
