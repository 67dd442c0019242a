import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import { type Harness, runTool, scriptedEngine, withClient } from "./_test-harness.ts";
import { createAcpAgent } from "./server.ts";

const kinds = (h: Harness) => h.updates.map((u) => u.sessionUpdate);

describe("acp server", () => {
  test("initialize advertises load, list, embedded context, images, the sign-in method and MCP over stdio, HTTP and SSE", async () => {
    const { engine } = scriptedEngine(async () => "end_turn");
    const client = acp.client({ name: "t" });
    const init = await client.connectWith(createAcpAgent({ engine }).app, (ctx) =>
      ctx.request(methods.agent.initialize, { protocolVersion: 1, clientCapabilities: {} }),
    );
    expect(init.agentCapabilities?.loadSession).toBe(true);
    expect(init.agentCapabilities?.sessionCapabilities?.list).toEqual({});
    expect(init.agentCapabilities?.promptCapabilities).toEqual({
      image: true,
      audio: false,
      embeddedContext: true,
    });
    expect(init.authMethods?.map((m) => m.id)).toEqual(["provider-key"]);
    expect(init.agentCapabilities?.mcpCapabilities).toEqual({ http: true, sse: true });
    expect(init.agentInfo?.name).toBe("loom");
  });

  test("a turn streams text, asks before an edit, reports the diff and usage", async () => {
    const { engine } = scriptedEngine(async (turn, tools) => {
      turn.onEvent({ type: "text", text: "Let me " });
      turn.onEvent({ type: "text", text: "fix it." });
      await runTool(turn, tools.read_file!, "c1", { path: "a.ts" });
      await runTool(turn, tools.edit_file!, "c2", { path: "a.ts", edits: [{ old: "x", new: "y" }] });
      turn.onEvent({ type: "usage", usage: { inputTokens: 100, outputTokens: 20 } });
      return "end_turn";
    });
    await withClient(engine, {}, async (ctx, h) => {
      const s = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      expect(s.modes?.currentModeId).toBe("ask");
      expect(s.modes?.availableModes.map((m) => m.id)).toEqual(["ask", "auto", "read-only"]);
      const res = await ctx.request(methods.agent.session.prompt, {
        sessionId: s.sessionId,
        prompt: [{ type: "text", text: "fix a.ts" }],
      });
      expect(res.stopReason).toBe("end_turn");
      const text = h.updates
        .filter((u) => u.sessionUpdate === "agent_message_chunk")
        .map((u) => (u.content.type === "text" ? u.content.text : ""))
        .join("");
      expect(text).toBe("Let me fix it.");
      const calls = h.updates.filter((u) => u.sessionUpdate === "tool_call");
      expect(calls.map((c) => [c.toolCallId, c.kind, c.title, c.status])).toEqual([
        ["c1", "read", "Read a.ts", "in_progress"],
        ["c2", "edit", "Edit a.ts", "pending"],
      ]);
      expect(calls[0]?.locations).toEqual([{ path: "/w/a.ts" }]);
      expect(h.permissions).toHaveLength(1);
      expect(h.permissions[0]?.toolCall.toolCallId).toBe("c2");
      expect(h.permissions[0]?.options.map((o) => o.kind)).toEqual([
        "allow_once",
        "allow_always",
        "reject_once",
        "reject_always",
      ]);
      const done = h.updates.filter(
        (u) => u.sessionUpdate === "tool_call_update" && u.status === "completed",
      );
      const edit = done.find((u) => u.sessionUpdate === "tool_call_update" && u.toolCallId === "c2");
      expect(edit?.sessionUpdate === "tool_call_update" && edit.content?.[0]).toEqual({
        type: "diff",
        path: "/w/a.ts",
        oldText: "x",
        newText: "y",
      });
      const usage = h.updates.find((u) => u.sessionUpdate === "usage_update");
      expect(usage).toEqual({ sessionUpdate: "usage_update", used: 120, size: 1000 });
      expect(h.updates.at(-1)).toEqual({
        sessionUpdate: "session_info_update",
        title: "fix a.ts",
        updatedAt: new Date(0).toISOString(),
      });
    });
  });

  test("reject once skips the tool; always-answers are remembered for the session", async () => {
    const outputs: string[] = [];
    const { engine } = scriptedEngine(async (turn, tools) => {
      outputs.push(
        await runTool(turn, tools.edit_file!, `e${outputs.length}`, {
          path: "a",
          edits: [{ old: "1", new: "2" }],
        }),
      );
      return "end_turn";
    });
    await withClient(engine, { answer: "reject_once" }, async (ctx, h) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      await ctx.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: "go" }] });
      await ctx.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: "go" }] });
      expect(outputs).toEqual(["rejected by the user", "rejected by the user"]);
      expect(h.permissions).toHaveLength(2);
      const failed = h.updates.filter((u) => u.sessionUpdate === "tool_call_update" && u.status === "failed");
      expect(failed).toHaveLength(2);
    });
    outputs.length = 0;
    await withClient(engine, { answer: "allow_always" }, async (ctx, h) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      await ctx.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: "go" }] });
      await ctx.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: "go" }] });
      expect(outputs).toEqual(["edited on disk", "edited on disk"]);
      expect(h.permissions).toHaveLength(1);
    });
  });

  test("set_mode read-only rejects edits without asking; auto allows them", async () => {
    const outputs: string[] = [];
    const { engine, modes } = scriptedEngine(async (turn, tools) => {
      outputs.push(
        await runTool(turn, tools.edit_file!, "e", { path: "a", edits: [{ old: "1", new: "2" }] }),
      );
      return "end_turn";
    });
    await withClient(engine, {}, async (ctx, h) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      await ctx.request(methods.agent.session.setMode, { sessionId, modeId: "read-only" });
      await ctx.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: "go" }] });
      await ctx.request(methods.agent.session.setMode, { sessionId, modeId: "auto" });
      await ctx.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: "go" }] });
      expect(outputs).toEqual(["rejected by the user", "edited on disk"]);
      expect(h.permissions).toHaveLength(0);
      expect(h.updates.filter((u) => u.sessionUpdate === "current_mode_update")).toEqual([
        { sessionUpdate: "current_mode_update", currentModeId: "read-only" },
        { sessionUpdate: "current_mode_update", currentModeId: "auto" },
      ]);
      await expect(
        ctx.request(methods.agent.session.setMode, { sessionId, modeId: "yolo" }),
      ).rejects.toThrow();
      expect(modes).toEqual(["read-only", "auto"]);
    });
  });

  test("cancel aborts the running turn, closes its open tool calls, and the prompt returns cancelled", async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const { engine } = scriptedEngine(async (turn) => {
      turn.onEvent({ type: "text", text: "working" });
      turn.onEvent({
        type: "tool.started",
        call: { id: "t9", name: "grep", input: { pattern: "x" } },
        tool: undefined,
      });
      started();
      await new Promise<void>((resolve) =>
        turn.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
      return "cancelled";
    });
    await withClient(engine, {}, async (ctx, h) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      const pending = ctx.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "go" }],
      });
      await running;
      await ctx.notify(methods.agent.session.cancel, { sessionId });
      expect((await pending).stopReason).toBe("cancelled");
      expect(h.updates.at(-2)).toEqual({
        sessionUpdate: "tool_call_update",
        toolCallId: "t9",
        status: "failed",
        content: [{ type: "content", content: { type: "text", text: "Cancelled." } }],
      });
    });
  });

  test("load replays the history; list shows the sessions of a cwd", async () => {
    const { engine, records } = scriptedEngine(async () => "end_turn");
    records.set("T-1", {
      id: "T-1",
      cwd: "/w",
      title: "fix a",
      updatedAt: "2026-01-01T00:00:00.000Z",
      messages: [
        { role: "user", content: "fix a" },
        {
          role: "assistant",
          content: "reading",
          toolCalls: [{ id: "t1", name: "read_file", input: { path: "a" } }],
        },
        { role: "tool", toolCallId: "t1", name: "read_file", content: "1\tx" },
        { role: "assistant", content: "done" },
      ],
    });
    await withClient(engine, {}, async (ctx, h) => {
      const list = await ctx.request(methods.agent.session.list, { cwd: "/w" });
      expect(list.sessions).toEqual([
        { sessionId: "T-1", cwd: "/w", title: "fix a", updatedAt: "2026-01-01T00:00:00.000Z" },
      ]);
      const loaded = await ctx.request(methods.agent.session.load, {
        sessionId: "T-1",
        cwd: "/w",
        mcpServers: [],
      });
      expect(loaded?.modes?.currentModeId).toBe("ask");
      expect(kinds(h)).toEqual([
        "user_message_chunk",
        "agent_message_chunk",
        "tool_call",
        "tool_call_update",
        "agent_message_chunk",
      ]);
      await expect(
        ctx.request(methods.agent.session.load, { sessionId: "T-nope", cwd: "/w", mcpServers: [] }),
      ).rejects.toThrow();
    });
  });

  test("with fs capabilities, files are read and edited through the client's buffers, by the client's paths", async () => {
    // The client opened the workspace through a symlink: its buffers are keyed by that path.
    const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-acp-")));
    mkdirSync(join(base, "real"));
    symlinkSync(join(base, "real"), join(base, "link"));
    const root = join(base, "link");
    writeFileSync(join(root, "a.ts"), "on disk\n");
    const outputs: string[] = [];
    const { engine } = scriptedEngine(async (turn, tools) => {
      outputs.push(await runTool(turn, tools.read_file!, "r", { path: "a.ts" }));
      outputs.push(
        await runTool(turn, tools.edit_file!, "e", {
          path: "a.ts",
          edits: [{ old: "unsaved", new: "saved" }],
        }),
      );
      outputs.push(await runTool(turn, tools.read_file!, "r2", { path: "../outside" }));
      outputs.push(await runTool(turn, tools.read_file!, "r3", { path: "missing.ts" }));
      return "end_turn";
    });
    const path = join(root, "a.ts");
    await withClient(
      engine,
      { fs: true, answer: "allow_once", files: { [path]: "unsaved buffer\n" } },
      async (ctx, h) => {
        const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: root, mcpServers: [] });
        await ctx.request(methods.agent.session.prompt, {
          sessionId,
          prompt: [{ type: "text", text: "go" }],
        });
        expect(JSON.parse(outputs[0]!)).toEqual({
          path: "a.ts",
          content: "unsaved buffer\n",
          size: 15,
          truncated: false,
        });
        expect(JSON.parse(outputs[1]!)).toEqual({ path: "a.ts", created: false, replacements: 1 });
        expect(outputs[2]).toContain("PATH_OUTSIDE_WORKSPACE");
        expect(JSON.parse(outputs[3]!)).toEqual({ code: "NOT_FOUND", message: "no such file: missing.ts" });
        expect(h.writes).toEqual([{ path, content: "saved buffer\n" }]);
        expect(h.reads).toEqual([path, path, join(root, "missing.ts")]);
      },
    );
  });
});
