/**
 * Plan mode (`/plan`): the model may read and plan but change nothing until the user approves the
 * plan. Enforced where every tool call passes, the permission check: each call of a mutating tool
 * (edits, commands) is refused with a reason the model can act on, whatever the permission mode;
 * read-only tools run as usual. Leaving plan mode restores the permission mode as it was.
 */
import type { PermissionDecision } from "@loom/runtime/agent/types";
import type { ToolCall } from "@loom/runtime/llm";

export function planRefusal(name: string): string {
  return (
    `plan mode: ${name} would change the workspace, and nothing may change until the user approves ` +
    "the plan. Read what you need, then present the plan and stop."
  );
}

/** The permission check under plan mode: refusal while `planning()`, else `check`. */
export function planPermission(
  planning: () => boolean,
  check: (call: ToolCall) => Promise<PermissionDecision>,
): (call: ToolCall) => Promise<PermissionDecision> {
  return (call) => (planning() ? Promise.resolve({ deny: planRefusal(call.name) }) : check(call));
}

/** The first message of a plan: the task, with what plan mode asks of the model. */
export function planPrompt(task: string): string {
  return (
    "[Plan mode: investigate with read-only tools and write a step-by-step plan (files to change, " +
    "how, how to verify). Do not change anything: edits and commands are refused until the user approves.]\n\n" +
    task
  );
}

export const PLAN_APPROVED = "The plan is approved. Carry it out now, then verify it as planned.";
