import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import { agentText, createSandbox, startAgent, storedSession } from "./harness.ts";

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
      expect(a.seenBeforeAsk).toEqual([true, true]);
      expect(finalUpdate(a.updates, "t1")?.status).toBe("completed");
      expect(finalUpdate(a.updates, "t2")?.content).toEqual([
        { type: "diff", path: join(sb.workspace, "greet.txt"), oldText: "hello", newText: "goodbye" },
      ]);
      const bash = finalUpdate(a.updates, "t3");
      expect(bash?.status).toBe("completed");
      expect(bash?.content).toEqual([
        { type: "content", content: { type: "text", text: "goodbye world\n[exit code 0]" } },
      ]);
      expect(finalUpdate(a.updates, "t1")?.content).toEqual([
        { type: "content", content: { type: "text", text: "hello world\n" } },
      ]);
      const usage = a.updates.map((n) => n.update).filter((u) => u.sessionUpdate === "usage_update");
      expect(usage.at(-1)).toMatchObject({ used: 940 });
      expect(readFileSync(join(sb.workspace, "greet.txt"), "utf8")).toBe("goodbye world\n");
      expect(a.updates.every((n) => n.sessionId === s.sessionId)).toBe(true);
      expect(a.updates.at(-1)?.update).toMatchObject({
        sessionUpdate: "session_info_update",
        title: "say goodbye instead",
      });
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("a rejected edit is not made; the model is told and the turn goes on", async () => {
    const sb = await createSandbox(
      {
        turns: [
          {
            toolCalls: [
              { id: "e1", name: "edit_file", input: { path: "a.txt", edits: [{ old: "x", new: "y" }] } },
            ],
            stop: "tool_use",
          },
          { text: "Understood, leaving it." },
        ],
      },
      { "a.txt": "x\n" },
    );
    const a = await startAgent(sb, { answer: "reject_once" });
    try {
      const { sessionId } = await a.agent.request(methods.agent.session.new, {
        cwd: sb.workspace,
        mcpServers: [],
      });
      const res = await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "edit" }],
      });
      expect(res.stopReason).toBe("end_turn");
      expect(a.permissions).toHaveLength(1);
      expect(a.permissions[0]?.options.map((o) => o.kind)).toEqual([
        "allow_once",
        "allow_always",
        "reject_once",
        "reject_always",
      ]);
      expect(a.permissions[0]?.toolCall.content).toEqual([
        { type: "diff", path: join(sb.workspace, "a.txt"), oldText: "x", newText: "y" },
      ]);
      expect(finalUpdate(a.updates, "e1")?.status).toBe("failed");
      expect(JSON.stringify(finalUpdate(a.updates, "e1")?.content)).toContain("PERMISSION_DENIED");
      expect(readFileSync(join(sb.workspace, "a.txt"), "utf8")).toBe("x\n");
      expect(JSON.stringify(sb.upstream.requests[1]?.body)).toContain("PERMISSION_DENIED");
      expect(agentText(a.updates)).toBe("Understood, leaving it.");
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("cancel mid-stream stops the model stream and returns cancelled; the session stays usable", async () => {
    const sb = await createSandbox({
      turns: [{ text: ["Thinking about ", "it for a long time"], fault: "stall" }, { text: "Still here." }],
      stallMs: 20_000,
    });
    const a = await startAgent(sb);
    try {
      const { sessionId } = await a.agent.request(methods.agent.session.new, {
        cwd: sb.workspace,
        mcpServers: [],
      });
      const pending = a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "go" }],
      });
      await a.waitFor((u) => u.sessionUpdate === "agent_message_chunk");
      await a.agent.notify(methods.agent.session.cancel, { sessionId });
      expect((await pending).stopReason).toBe("cancelled");
      const again = await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "again" }],
      });
      expect(again.stopReason).toBe("end_turn");
      expect(agentText(a.updates)).toEndWith("Still here.");
      expect(sb.upstream.requests).toHaveLength(2);
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("an earlier session is listed and loaded by a new agent process, history replayed, and continued", async () => {
    const sb = await createSandbox(
      {
        turns: [
          {
            text: "Reading.",
            toolCalls: [{ id: "r1", name: "read_file", input: { path: "notes.md" } }],
            stop: "tool_use",
          },
          { text: "It says hi." },
          { text: "You asked about notes.md." },
        ],
      },
      { "notes.md": "hi\n" },
    );
    const sessionId = await storedSession(sb, "what is in notes.md?");
    const second = await startAgent(sb);
    try {
      const list = await second.agent.request(methods.agent.session.list, { cwd: sb.workspace });
      expect(list.sessions.map((x) => [x.sessionId, x.title, x.cwd])).toEqual([
        [sessionId, "what is in notes.md?", sb.workspace],
      ]);
      const loaded = await second.agent.request(methods.agent.session.load, {
        sessionId,
        cwd: sb.workspace,
        mcpServers: [],
      });
      expect(loaded?.modes?.currentModeId).toBe("ask");
      const replay = second.updates.map((n) => n.update.sessionUpdate);
      expect(replay).toEqual([
        "user_message_chunk",
        "agent_message_chunk",
        "tool_call",
        "tool_call_update",
        "agent_message_chunk",
      ]);
      expect(finalUpdate(second.updates, "r1")?.status).toBe("completed");
      const res = await second.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "what did I ask?" }],
      });
      expect(res.stopReason).toBe("end_turn");
      const body = JSON.stringify(sb.upstream.requests[2]?.body);
      expect(body).toContain("what is in notes.md?");
      expect(body).toContain("It says hi.");
      await expect(
        second.agent.request(methods.agent.session.load, {
          sessionId: "T-00000000-0000-7000-8000-000000000000",
          cwd: sb.workspace,
          mcpServers: [],
        }),
      ).rejects.toThrow();
    } finally {
      await second.close();
      await sb.cleanup();
    }
  });

  test("with fs capabilities the agent reads and edits the client's unsaved buffer, not the disk", async () => {
    const sb = await createSandbox(
      {
        turns: [
          { toolCalls: [{ id: "r", name: "read_file", input: { path: "app.ts" } }], stop: "tool_use" },
          {
            toolCalls: [
              {
                id: "e",
                name: "edit_file",
                input: { path: "app.ts", edits: [{ old: "draft", new: "final" }] },
              },
            ],
            stop: "tool_use",
          },
          { text: "Done." },
        ],
      },
      { "app.ts": "on disk\n" },
    );
    const path = join(sb.workspace, "app.ts");
    const buffers = new Map([[path, "unsaved draft\n"]]);
    const a = await startAgent(sb, { buffers, args: ["--permission-mode", "auto"] });
    try {
      const { sessionId, modes } = await a.agent.request(methods.agent.session.new, {
        cwd: sb.workspace,
        mcpServers: [],
      });
      expect(modes?.currentModeId).toBe("auto");
      await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "finalise" }],
      });
      expect(JSON.stringify(sb.upstream.requests[1]?.body)).toContain("unsaved draft");
      expect(buffers.get(path)).toBe("unsaved final\n");
      expect(readFileSync(path, "utf8")).toBe("on disk\n");
      expect(a.permissions).toHaveLength(0);
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("read-only mode refuses edits without asking; a max_tokens finish is reported as such", async () => {
    const sb = await createSandbox(
      {
        turns: [
          {
            toolCalls: [
              { id: "e", name: "edit_file", input: { path: "a.txt", edits: [{ old: "a", new: "b" }] } },
            ],
            stop: "tool_use",
          },
          { text: "I was cut o", stop: "max_tokens" },
        ],
      },
      { "a.txt": "a\n" },
    );
    const a = await startAgent(sb);
    try {
      const { sessionId } = await a.agent.request(methods.agent.session.new, {
        cwd: sb.workspace,
        mcpServers: [],
      });
      await a.agent.request(methods.agent.session.setMode, { sessionId, modeId: "read-only" });
      // The mode, then every config option (mode included) for clients that use those.
      const modeUpdates = a.updates
        .map((n) => n.update)
        .filter((u) => u.sessionUpdate !== "available_commands_update");
      expect(modeUpdates.at(-2)).toEqual({
        sessionUpdate: "current_mode_update",
        currentModeId: "read-only",
      });
      const options = modeUpdates.at(-1);
      expect(
        options?.sessionUpdate === "config_option_update" &&
          options.configOptions.find((o) => o.id === "mode")?.currentValue,
      ).toBe("read-only");
      const res = await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "edit" }],
      });
      expect(res.stopReason).toBe("max_tokens");
      expect(a.permissions).toHaveLength(0);
      expect(readFileSync(join(sb.workspace, "a.txt"), "utf8")).toBe("a\n");
      expect(finalUpdate(a.updates, "e")?.status).toBe("failed");
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("failures reach the client as one-line JSON-RPC errors", async () => {
    const sb = await createSandbox({ turns: [{ error: { status: 400, message: "prompt is too long" } }] });
    const a = await startAgent(sb);
    try {
      await expect(
        a.agent.request(methods.agent.session.new, { cwd: join(sb.root, "missing"), mcpServers: [] }),
      ).rejects.toThrow(/^INVALID_INPUT: workspace .* does not exist$/);
      const { sessionId } = await a.agent.request(methods.agent.session.new, {
        cwd: sb.workspace,
        mcpServers: [],
      });
      const failed = a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "hi" }],
      });
      const err = await failed.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(/^[^\n]*prompt is too long$/);
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("a mode switch during a turn answers at once and governs the session from the next call on", async () => {
    const edit = (id: string, old: string, now: string) => ({
      toolCalls: [{ id, name: "edit_file", input: { path: "a.txt", edits: [{ old, new: now }] } }],
      stop: "tool_use" as const,
    });
    const sb = await createSandbox(
      { turns: [edit("e1", "1", "2"), { text: "Edited." }, edit("e2", "2", "3"), { text: "Refused." }] },
      { "a.txt": "1\n" },
    );
    let sessionId = "";
    let agent: Awaited<ReturnType<typeof startAgent>> | undefined;
    const a = await startAgent(sb, {
      answer: async () => {
        // Still inside the first turn: switch to read-only, then allow this one call.
        await agent!.agent.request(methods.agent.session.setMode, { sessionId, modeId: "read-only" });
        return "allow_once";
      },
    });
    agent = a;
    try {
      sessionId = (await a.agent.request(methods.agent.session.new, { cwd: sb.workspace, mcpServers: [] }))
        .sessionId;
      await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "one" }],
      });
      expect(readFileSync(join(sb.workspace, "a.txt"), "utf8")).toBe("2\n");
      await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "two" }],
      });
      expect(a.permissions.map((p) => p.toolCall.toolCallId)).toEqual(["e1"]);
      expect(finalUpdate(a.updates, "e2")?.status).toBe("failed");
      expect(readFileSync(join(sb.workspace, "a.txt"), "utf8")).toBe("2\n");
      // The thread's model request for the second turn no longer offers edit_file (read-only session).
      const body = sb.upstream.requests[2]?.body as { tools?: { name: string }[] } | undefined;
      const offered = (body?.tools ?? []).map((t) => t.name);
      expect(offered).toContain("read_file");
      expect(offered).not.toContain("edit_file");
      expect(offered).not.toContain("bash");
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });
});
