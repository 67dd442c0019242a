import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import { agentText, createSandbox, startAgent } from "./harness.ts";

const toolCalls = (updates: acp.SessionNotification[]) =>
  updates
    .map((n) => n.update)
    .filter(
      (u): u is Extract<acp.SessionUpdate, { sessionUpdate: "tool_call" }> => u.sessionUpdate === "tool_call",
    );

const finalUpdate = (updates: acp.SessionNotification[], id: string) =>
  updates
    .map((n) => n.update)
    .filter(
      (u): u is Extract<acp.SessionUpdate, { sessionUpdate: "tool_call_update" }> =>
        u.sessionUpdate === "tool_call_update" &&
        u.toolCallId === id &&
        (u.status === "completed" || u.status === "failed"),
    )
    .at(-1);

const fixScript = {
  turns: [
    {
      text: ["Let me ", "look."],
      toolCalls: [{ id: "t1", name: "read_file", input: { path: "greet.txt" } }],
      stop: "tool_use" as const,
    },
    {
      toolCalls: [
        {
          id: "t2",
          name: "edit_file",
          input: { path: "greet.txt", edits: [{ old: "hello", new: "goodbye" }] },
        },
      ],
      stop: "tool_use" as const,
    },
    {
      toolCalls: [{ id: "t3", name: "bash", input: { command: "cat greet.txt" } }],
      stop: "tool_use" as const,
    },
    { text: "Changed the greeting.", usage: { input: 900, output: 40 } },
  ],
};

describe("loom acp-agent (real subprocess)", () => {
  test("a full turn: streamed text, tool calls with kinds, a permission, a diff, command output, usage", async () => {
    const sb = await createSandbox(fixScript, { "greet.txt": "hello world\n" });
    const a = await startAgent(sb);
    try {
      expect(a.init.agentCapabilities?.loadSession).toBe(true);
      const s = await a.agent.request(methods.agent.session.new, { cwd: sb.workspace, mcpServers: [] });
      expect(s.sessionId).toMatch(/^T-[0-9a-f-]{36}$/);
      expect(s.modes?.currentModeId).toBe("ask");
      const res = await a.agent.request(methods.agent.session.prompt, {
        sessionId: s.sessionId,
        prompt: [{ type: "text", text: "say goodbye instead" }],
      });
      expect(res.stopReason).toBe("end_turn");
      expect(agentText(a.updates)).toBe("Let me look.Changed the greeting.");
      expect(toolCalls(a.updates).map((c) => [c.toolCallId, c.kind, c.title])).toEqual([
        ["t1", "read", "Read greet.txt"],
        ["t2", "edit", "Edit greet.txt"],
        ["t3", "execute", "Run `cat greet.txt`"],
      ]);
      expect(toolCalls(a.updates)[0]?.locations).toEqual([{ path: join(sb.workspace, "greet.txt") }]);
      // edit_file and bash change the workspace: asked once each, in ask mode.
      expect(a.permissions.map((p) => p.toolCall.toolCallId)).toEqual(["t2", "t3"]);
      expect(finalUpdate(a.updates, "t1")?.status).toBe("completed");
      expect(finalUpdate(a.updates, "t2")?.content).toEqual([
        { type: "diff", path: join(sb.workspace, "greet.txt"), oldText: "hello", newText: "goodbye" },
      ]);
      const bash = finalUpdate(a.updates, "t3");
      expect(bash?.status).toBe("completed");
      expect(JSON.stringify(bash?.content)).toContain("goodbye world");
      const usage = a.updates.map((n) => n.update).filter((u) => u.sessionUpdate === "usage_update");
      expect(usage.at(-1)).toMatchObject({ used: 940 });
      expect(readFileSync(join(sb.workspace, "greet.txt"), "utf8")).toBe("goodbye world\n");
      expect(a.updates.every((n) => n.sessionId === s.sessionId)).toBe(true);
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });
});
