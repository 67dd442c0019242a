/**
 * A bearer token this tab signs in with instead of the session cookie: an `lt_` API token (servers
 * without a sign-in method) or an `ls_` session secret (an impersonation session from
 * `POST /api/admin/impersonate`). Kept in sessionStorage, so it dies with the tab and other tabs keep
 * the cookie's account.
 */
const KEY = "loom.token";

export function getToken(): string | null {
  return globalThis.sessionStorage?.getItem(KEY) ?? null;
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** A plausible token, checked before asking the server: `lt_` or `ls_` and no whitespace. */
export function looksLikeToken(v: string): boolean {
  return /^l[ts]_\S{8,}$/.test(v.trim());
}
