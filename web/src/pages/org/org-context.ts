/**
 * What the org pages share: the org being looked at and the caller's role in it (provided by
 * `OrgLayout.vue`), and one way to run an API call that turns a failure into a one-line message
 * (a 401 sends the person to sign in).
 */
import { type InjectionKey, inject, type Ref, ref } from "vue";
import type { Router } from "vue-router";
import { ApiError } from "../../api/client.ts";

export interface OrgContext {
  id: string;
  slug: string;
  name: string;
  /** The caller's role: owner, admin or member ("" while loading, or for a global admin who is not a member). */
  role: string;
}

export const ORG: InjectionKey<Ref<OrgContext>> = Symbol("org");

export function useOrg(): Ref<OrgContext> {
  return inject(ORG, ref({ id: "", slug: "", name: "", role: "" }));
}

export const isAdmin = (role: string) => role === "owner" || role === "admin";

/** Runs `fn`; a failure sets `error` to its message (401: off to sign-in). Answers whether it worked. */
export function useAction(router: Router) {
  const error = ref("");
  const busy = ref(false);
  async function run(fn: () => Promise<unknown>): Promise<boolean> {
    error.value = "";
    busy.value = true;
    try {
      await fn();
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        await router.push({ path: "/sign-in", query: { next: router.currentRoute.value.fullPath } });
        return false;
      }
      error.value = (e as Error).message;
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { error, busy, run };
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : "—");
