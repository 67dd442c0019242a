/**
 * Where to go after signing in. The sign-in page's `?next=` is enough for a token; a magic link or
 * an OAuth provider lands on `/` (the server redirects there), so the page also remembers `next` in
 * localStorage (the mailed link may open in another tab) for 15 minutes, and `/` takes it once.
 */
const KEY = "loom.returnTo";
const TTL_MS = 15 * 60_000;

/** A path inside this app, never another origin (`//host`, `/\host`) nor the sign-in page itself. */
export function safeNext(v: unknown): string | undefined {
  if (typeof v !== "string" || !v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\"))
    return undefined;
  if (v === "/sign-in" || v.startsWith("/sign-in?") || v.startsWith("/api/")) return undefined;
  return v;
}

export function rememberReturn(path: string | undefined, now = Date.now()): void {
  if (!path) return;
  globalThis.localStorage?.setItem(KEY, JSON.stringify({ path, at: now }));
}

/** The remembered path (once), if recent and safe. */
export function takeReturn(now = Date.now()): string | undefined {
  const raw = globalThis.localStorage?.getItem(KEY);
  if (!raw) return undefined;
  localStorage.removeItem(KEY);
  try {
    const v = JSON.parse(raw) as { path?: unknown; at?: unknown };
    if (typeof v.at !== "number" || now - v.at > TTL_MS || now < v.at) return undefined;
    return safeNext(v.path);
  } catch {
    return undefined;
  }
}
