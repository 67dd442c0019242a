/**
 * Who is signed in: `GET /api/auth/me`, loaded once and shared by the router guard, the header and
 * the impersonation banner. Null until loaded or when signed out. Signing out ends the session on
 * the server (`POST /api/auth/logout`) for a cookie or an `ls_` bearer; an `lt_` token is only
 * forgotten by this tab (the server revokes tokens elsewhere).
 */
import { shallowRef } from "vue";
import { ApiError, apiGet, apiSend, type GetResult } from "./client.ts";
import { clearToken, getToken } from "./session.ts";

export type Me = GetResult<"/api/auth/me">;

export const me = shallowRef<Me | null>(null);
let loading: Promise<Me | null> | undefined;
/** The tab's bearer token `me` was loaded with: another token (or none) is another principal. */
let loadedWith: string | null = null;

/** The signed-in principal, or null (a 401). Cached; `force` asks again. Other errors throw. */
export function loadMe(force = false): Promise<Me | null> {
  if (me.value && !force && loadedWith === getToken()) return Promise.resolve(me.value);
  if (!loading || force)
    loading = apiGet("/api/auth/me", {}, { quiet401: true })
      .then((m) => {
        loadedWith = getToken();
        me.value = m;
        return m;
      })
      .catch((e) => {
        if (!(e instanceof ApiError && e.status === 401)) throw e;
        me.value = null;
        return null;
      })
      .finally(() => {
        loading = undefined;
      });
  return loading;
}

/** Forget the principal (after a 401 or a sign-out); the next guard asks the server again. */
export function forgetMe(): void {
  me.value = null;
}

/** Ends this tab's session: the server's (cookie or `ls_` bearer), then the tab's token. */
export async function signOut(): Promise<void> {
  const token = getToken();
  if (!token?.startsWith("lt_"))
    await apiSend("post", "/api/auth/logout", {}, { quiet401: true }).catch(() => undefined);
  clearToken();
  forgetMe();
}
