/**
 * The permission gate of an ACP session: in `ask` mode a mutating tool waits for the user's answer
 * (`session/request_permission`), "always" answers are remembered per tool for the session;
 * `auto` allows everything and `read-only` rejects every mutating tool.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import type { ToolCall } from "@loom/runtime/llm";
import type { Tool } from "@loom/runtime/tool";
import type { PermissionMode } from "./engine.ts";
import { editDiffs, toolCallStarted } from "./tool-display.ts";

export interface PermissionMemory {
  allowed: Set<string>;
  rejected: Set<string>;
}

export function createPermissionMemory(): PermissionMemory {
  return { allowed: new Set(), rejected: new Set() };
}

export const PERMISSION_OPTIONS: acp.PermissionOption[] = [
  { optionId: "allow_once", name: "Allow", kind: "allow_once" },
  { optionId: "allow_always", name: "Always allow", kind: "allow_always" },
  { optionId: "reject_once", name: "Reject", kind: "reject_once" },
  { optionId: "reject_always", name: "Always reject", kind: "reject_always" },
];

export interface ApproverOptions {
  sessionId: () => string;
  cwd: string;
  mode: () => PermissionMode;
  memory: PermissionMemory;
  client: acp.AgentContext;
  /** The running turn's signal: cancelling releases a pending question as a rejection. */
  signal: () => AbortSignal;
}

export function createApprover(
  o: ApproverOptions,
): (call: ToolCall, tool: Tool | undefined) => Promise<boolean> {
  return async (call, tool) => {
    const signal = o.signal();
    switch (o.mode()) {
      case "auto":
        return true;
      case "read-only":
        return false;
      case "ask":
        break;
    }
    if (o.memory.allowed.has(call.name)) return true;
    if (o.memory.rejected.has(call.name)) return false;
    if (signal.aborted) return false;
    const toolCall: acp.ToolCallUpdate = toolCallStarted(call, tool, o.cwd);
    const diffs = toolCall.kind === "edit" ? editDiffs(call, o.cwd) : [];
    if (diffs.length > 0) toolCall.content = diffs.map((d) => ({ type: "diff", ...d }));
    let response: acp.RequestPermissionResponse;
    try {
      response = await o.client.request(
        methods.client.session.requestPermission,
        { sessionId: o.sessionId(), toolCall, options: PERMISSION_OPTIONS },
        { cancellationSignal: signal, stopWaitingOnCancel: true },
      );
    } catch {
      return false;
    }
    if (response.outcome.outcome !== "selected") return false;
    switch (response.outcome.optionId) {
      case "allow_always":
        o.memory.allowed.add(call.name);
        return true;
      case "allow_once":
        return true;
      case "reject_always":
        o.memory.rejected.add(call.name);
        return false;
      default:
        return false;
    }
  };
}
