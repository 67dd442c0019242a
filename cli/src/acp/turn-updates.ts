/** A turn's events as `session/update` notifications. */
import type * as acp from "@agentclientprotocol/sdk";
import type { PermissionMode, TurnEvent } from "./engine.ts";
import type { PlanTracker } from "./plan.ts";
import { textContent, toolCallCompleted, toolCallStarted } from "./tool-display.ts";

export type Send = (update: acp.SessionUpdate) => void;

export interface RendererOptions {
  cwd: string;
  send: Send;
  mode: () => PermissionMode;
  contextWindow: () => number;
  /** The session's plan (it outlives the turn). */
  plan: PlanTracker;
}

function terminalIdOf(data: unknown): string | undefined {
  if (data === null || typeof data !== "object") return undefined;
  const id = (data as { terminalId?: unknown }).terminalId;
  return typeof id === "string" ? id : undefined;
}

export interface TurnRenderer {
  render(e: TurnEvent): void;
  /** Marks calls that never finished (cancelled while running or waiting for permission) as failed. */
  closeOpen(reason: string): void;
}

export function turnRenderer(o: RendererOptions): TurnRenderer {
  const { send } = o;
  const open = new Set<string>();
  const sendPlan = (entries: acp.PlanEntry[] | undefined) => {
    if (entries) send({ sessionUpdate: "plan", entries });
  };
  const render = (e: TurnEvent): void => {
    if (e.type !== "text") sendPlan(o.plan.endReply());
    switch (e.type) {
      case "text":
        send({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: e.text } });
        sendPlan(o.plan.text(e.text));
        return;
      case "tool.started": {
        const started = toolCallStarted(e.call, e.tool, o.cwd);
        // A mutating call in ask mode waits for the user; it turns in_progress once allowed.
        if (!e.tool?.mutating || o.mode() !== "ask") started.status = "in_progress";
        open.add(e.call.id);
        send({ sessionUpdate: "tool_call", ...started });
        return;
      }
      case "tool.progress": {
        const terminalId = terminalIdOf(e.progress.data);
        if (terminalId)
          send({
            sessionUpdate: "tool_call_update",
            toolCallId: e.callId,
            content: [{ type: "terminal", terminalId }],
          });
        else if (e.progress.message)
          send({
            sessionUpdate: "tool_call_update",
            toolCallId: e.callId,
            content: [textContent(e.progress.message)],
          });
        return;
      }
      case "tool.completed":
        open.delete(e.call.id);
        send({ sessionUpdate: "tool_call_update", ...toolCallCompleted(e.call, e.result, o.cwd) });
        return;
      case "usage": {
        const u = e.usage;
        const used = u.inputTokens + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0) + u.outputTokens;
        send({ sessionUpdate: "usage_update", used, size: o.contextWindow() });
        return;
      }
      default: {
        const never: never = e;
        throw new Error(`unknown turn event ${JSON.stringify(never)}`);
      }
    }
  };
  return {
    render,
    closeOpen(reason) {
      sendPlan(o.plan.endReply());
      for (const toolCallId of open)
        send({
          sessionUpdate: "tool_call_update",
          toolCallId,
          status: "failed",
          content: [textContent(reason)],
        });
      open.clear();
    },
  };
}
