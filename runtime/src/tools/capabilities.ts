/**
 * Capability checks for tools. A context without `capabilities` is a trusted direct call (tests,
 * built-ins wired by hand); a context with them only allows what the manifest and the user granted.
 */
import { LoomError } from "../errors.ts";
import type { ToolContext } from "../tool.ts";

/**
 * Throws PERMISSION_DENIED unless the call may use `kind`.
 * @example requireCapability(ctx, "exec");
 */
export function requireCapability(ctx: ToolContext, kind: "read" | "write" | "exec"): void {
  if (ctx.capabilities === undefined || ctx.capabilities[kind]) return;
  throw new LoomError("PERMISSION_DENIED", `this tool needs the ${kind} permission, which was not granted`);
}

/** Whether the call may read environment variable `name` (always, for a trusted direct call). */
export function mayReadEnv(ctx: ToolContext, name: string): boolean {
  return ctx.capabilities === undefined || ctx.capabilities.env.includes(name);
}

/** Throws PERMISSION_DENIED unless the call may reach `host` (patterns: exact, `*`, `*.example.com`). */
export function requireHost(ctx: ToolContext, host: string): void {
  if (ctx.capabilities === undefined) return;
  const h = host.toLowerCase();
  const ok = ctx.capabilities.network.some((p) => {
    const q = p.toLowerCase();
    return q === "*" || q === h || (q.startsWith("*.") && h.endsWith(q.slice(1)));
  });
  if (!ok) throw new LoomError("PERMISSION_DENIED", `network access to ${host} was not granted`);
}
