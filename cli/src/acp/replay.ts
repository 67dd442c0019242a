/**
 * A stored conversation as the `session/update` notifications that rebuild it in a client
 * (sent on `session/load`).
 */
import type * as acp from "@agentclientprotocol/sdk";
import type { Message, ToolCall } from "@loom/runtime/llm";
import { planTracker } from "./plan.ts";
import { textContent, toolCallCompleted, toolCallStarted } from "./tool-display.ts";

export function replayUpdates(messages: Message[], cwd: string): acp.SessionUpdate[] {
  const updates: acp.SessionUpdate[] = [];
  const calls = new Map<string, ToolCall>();
  const plan = planTracker();
  for (const m of messages) {
    switch (m.role) {
      case "user":
        updates.push({ sessionUpdate: "user_message_chunk", content: { type: "text", text: m.content } });
        for (const image of m.images ?? [])
          updates.push({ sessionUpdate: "user_message_chunk", content: { type: "image", ...image } });
        break;
      case "assistant":
        if (m.content) {
          updates.push({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: m.content } });
          const entries = plan.reply(m.content);
          if (entries) updates.push({ sessionUpdate: "plan", entries });
        }
        for (const call of m.toolCalls ?? []) {
          calls.set(call.id, call);
          updates.push({ sessionUpdate: "tool_call", ...toolCallStarted(call, undefined, cwd) });
        }
        break;
      case "tool": {
        const call = calls.get(m.toolCallId);
        const result = { output: m.content, isError: m.isError === true };
        updates.push(
          call
            ? { sessionUpdate: "tool_call_update", ...toolCallCompleted(call, result, cwd) }
            : {
                sessionUpdate: "tool_call_update",
                toolCallId: m.toolCallId,
                status: result.isError ? "failed" : "completed",
                content: [textContent(m.content)],
              },
        );
        break;
      }
      default: {
        const never: never = m;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }
  return updates;
}
