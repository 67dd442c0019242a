/**
 * An API key's scopes are checked before anything is looked up, so a key without the scope a route
 * needs gets 403 whatever the resource (not a 404 that looks like an empty result).
 */

import { type Principal, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import { SCOPE_OF } from "./policy.ts";
import type { Action, ResourceType } from "./subject.ts";

export function requireKeyScope(p: Principal, action: Action, type: ResourceType): void {
  const s = subjectOf(p);
  if (s.kind !== "apikey") return;
  const scope = SCOPE_OF[action]?.[type];
  if (!scope) throw new HttpError(403, "FORBIDDEN", `API keys cannot ${action} a ${type}`);
  if (!s.scopes.includes(scope)) throw new HttpError(403, "FORBIDDEN", `API key lacks scope ${scope}`);
}
