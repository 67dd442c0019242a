/**
 * Makes a saved history safe to send again. A process killed mid-turn can leave an assistant
 * message whose tool calls have no results; providers reject that, so each missing result is
 * filled in as an interrupted call.
 */
import type { Message } from "../llm.ts";

export const INTERRUPTED = "TOOL_CANCELLED: interrupted (the session ended before the tool finished)";

export function repairMessages(messages: readonly Message[]): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    out.push(m);
    if (m.role !== "assistant" || !m.toolCalls?.length) continue;
    const answered = new Set<string>();
    let j = i + 1;
    for (; j < messages.length; j++) {
      const r = messages[j]!;
      if (r.role !== "tool") break;
      answered.add(r.toolCallId);
      out.push(r);
    }
    for (const call of m.toolCalls) {
      if (!answered.has(call.id))
        out.push({ role: "tool", toolCallId: call.id, name: call.name, content: INTERRUPTED, isError: true });
    }
    i = j - 1;
  }
  return out;
}
