/**
 * The signed-in API token. Temporary: until cookie sessions land (issue 13) the UI signs in by
 * pasting an `lt_` token, kept in sessionStorage so it dies with the tab.
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

/** A plausible token, checked before asking the server: `lt_` and no whitespace. */
export function looksLikeToken(v: string): boolean {
  return /^lt_\S{8,}$/.test(v.trim());
}
