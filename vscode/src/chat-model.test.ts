import { describe, expect, test } from "bun:test";
import { applyUpdate, emptyChat, stopNotice } from "./chat-model.ts";

describe("chat model", () => {
  test("chunks join into one message per speaker; tool calls update in place", () => {
    const s = emptyChat();
    applyUpdate(s, { sessionUpdate: "user_message_chunk", content: { type: "text", text: "fix it" } });
    applyUpdate(s, { sessionUpdate: "agent_message_chunk", content: { type: "text", text: "On " } });
    applyUpdate(s, { sessionUpdate: "agent_message_chunk", content: { type: "text", text: "it." } });
    applyUpdate(s, {
      sessionUpdate: "tool_call",
      toolCallId: "c1",
      title: "Edit a.ts",
      kind: "edit",
      status: "pending",
      locations: [{ path: "/w/a.ts" }],
    });
    applyUpdate(s, { sessionUpdate: "tool_call_update", toolCallId: "c1", status: "in_progress" });
    applyUpdate(s, {
      sessionUpdate: "tool_call_update",
      toolCallId: "c1",
      status: "completed",
      content: [{ type: "diff", path: "/w/a.ts", oldText: "a", newText: "b" }],
    });
    applyUpdate(s, { sessionUpdate: "tool_call_update", toolCallId: "unknown", status: "failed" });
    applyUpdate(s, { sessionUpdate: "agent_message_chunk", content: { type: "text", text: "Done." } });
    applyUpdate(s, { sessionUpdate: "usage_update", used: 50, size: 100 });
    applyUpdate(s, { sessionUpdate: "current_mode_update", currentModeId: "auto" });
    expect(s.items).toEqual([
      { kind: "user", text: "fix it" },
      { kind: "agent", text: "On it." },
      {
        kind: "tool",
        id: "c1",
        title: "Edit a.ts",
        toolKind: "edit",
        status: "completed",
        content: [{ type: "diff", path: "/w/a.ts", oldText: "a", newText: "b" }],
        locations: ["/w/a.ts"],
      },
      { kind: "agent", text: "Done." },
    ]);
    expect(s.usage).toEqual({ used: 50, size: 100 });
    expect(s.mode).toBe("auto");
  });

  test("a new plan replaces the previous one", () => {
    const s = emptyChat();
    applyUpdate(s, {
      sessionUpdate: "plan",
      entries: [{ content: "a", status: "pending", priority: "high" }],
    });
    applyUpdate(s, {
      sessionUpdate: "plan",
      entries: [{ content: "a", status: "completed", priority: "high" }],
    });
    expect(s.items).toEqual([{ kind: "plan", entries: [{ content: "a", status: "completed" }] }]);
  });

  test("only unusual stop reasons leave a notice", () => {
    expect(stopNotice("end_turn")).toBeUndefined();
    expect(stopNotice("cancelled")).toEqual({ kind: "notice", severity: "info", text: "Cancelled." });
    expect(stopNotice("max_tokens")?.kind).toBe("notice");
    expect(stopNotice("refusal")?.kind).toBe("notice");
  });
});
