/**
 * Every route declares the action it performs and the kind of resource it acts on, in its OpenAPI
 * operation as `x-loom-access` (a test fails for a route without one). Routes then ask the policy
 * about the concrete resource (`can`, `access/policy.ts`); `none` marks a route open to anyone.
 * @example
 * .get("/:id", handler, { auth: true, detail: { operationId: "thread.get", ...access("Read", "thread") } })
 */
import type { Action, ResourceType } from "./subject.ts";

export const ACCESS_KEY = "x-loom-access";

export interface AccessDeclaration {
  action: Action;
  resource: ResourceType;
}

export function access(action: Action, resource: ResourceType): { [ACCESS_KEY]: AccessDeclaration } {
  return { [ACCESS_KEY]: { action, resource } };
}
