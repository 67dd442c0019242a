import { describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import type { Tool } from "@loom/runtime/tool";
import type { AcpEngine, SessionRecord, TurnRequest, TurnStopReason } from "./engine.ts";
import { createAcpAgent } from "./server.ts";

/** An in-memory engine whose turns follow a script; the protocol layer is what is under test. */
function scriptedEngine(script: (req: TurnRequest, tools: Record<string, Tool>) => Promise<TurnStopReason>) {
  const records = new Map<string, SessionRecord>();
  let n = 0;
  const tools: Record<string, Tool> = {
    read_file: {
      name: "read_file",
      description: "read",
      inputSchema: {},
      async invoke() {
        return { output: "from disk" };
      },
    },
    edit_file: {
      name: "edit_file",
      description: "edit",
      inputSchema: {},
      mutating: true,
      async invoke() {
        return { output: "edited on disk" };
      },
    },
  };
  const engine: AcpEngine = {
    contextWindow: 1000,
    defaultMode: "ask",
    async newSession(cwd) {
      const r = { id: `S-${++n}`, cwd, title: "", updatedAt: new Date(0).toISOString(), messages: [] };
      records.set(r.id, r);
      return r;
    },
    async loadSession(id) {
      return records.get(id);
    },
    async listSessions(cwd) {
      return [...records.values()].filter((r) => !cwd || r.cwd === cwd);
    },
    async prompt(req) {
      req.session.messages.push({ role: "user", content: req.prompt });
      const wrapped = Object.fromEntries(Object.entries(tools).map(([k, t]) => [k, req.wrapTool(t)]));
      return script(req, wrapped);
    },
  };
  return { engine, records };
}

/** Runs the tool like a driver would: announce, approve when mutating, invoke, report. */
async function runTool(req: TurnRequest, tool: Tool, id: string, input: unknown): Promise<string> {
  const call = { id, name: tool.name, input };
  req.onEvent({ type: "tool.started", call, tool });
  const ok = !tool.mutating || (await req.approve(call, tool));
  const result = ok
    ? await tool.invoke(input, { workspaceRoot: req.session.cwd, signal: req.signal, callId: id })
    : { output: "rejected by the user", isError: true };
  req.onEvent({ type: "tool.completed", call, result });
  return typeof result.output === "string" ? result.output : JSON.stringify(result.output);
}

interface Harness {
  updates: acp.SessionUpdate[];
  permissions: acp.RequestPermissionRequest[];
  reads: string[];
  writes: { path: string; content: string }[];
}

async function withClient<T>(
  engine: AcpEngine,
  opts: { answer?: string; fs?: boolean; files?: Record<string, string> },
  op: (ctx: acp.ClientContext, h: Harness) => Promise<T>,
): Promise<T> {
  const h: Harness = { updates: [], permissions: [], reads: [], writes: [] };
  const files = { ...opts.files };
  const client = acp
    .client({ name: "test" })
    .onNotification(methods.client.session.update, ({ params }) => {
      h.updates.push(params.update);
    })
    .onRequest(methods.client.session.requestPermission, ({ params }) => {
      h.permissions.push(params);
      return { outcome: { outcome: "selected", optionId: opts.answer ?? "allow_once" } };
    })
    .onRequest(methods.client.fs.readTextFile, ({ params }) => {
      h.reads.push(params.path);
      const text = files[params.path];
      if (text === undefined) throw acp.RequestError.resourceNotFound(params.path);
      return { content: text };
    })
    .onRequest(methods.client.fs.writeTextFile, ({ params }) => {
      h.writes.push({ path: params.path, content: params.content });
      files[params.path] = params.content;
      return {};
    });
  return client.connectWith(createAcpAgent({ engine }), async (ctx) => {
    await ctx.request(methods.agent.initialize, {
      protocolVersion: acp.PROTOCOL_VERSION,
      clientCapabilities: opts.fs ? { fs: { readTextFile: true, writeTextFile: true } } : {},
    });
    return op(ctx, h);
  });
}

const kinds = (h: Harness) => h.updates.map((u) => u.sessionUpdate);

describe("acp server", () => {
  test("initialize advertises load, list, embedded context and no MCP", async () => {
    const { engine } = scriptedEngine(async () => "end_turn");
    const client = acp.client({ name: "t" });
    const init = await client.connectWith(createAcpAgent({ engine }), (ctx) =>
      ctx.request(methods.agent.initialize, { protocolVersion: 1, clientCapabilities: {} }),
    );
    expect(init.agentCapabilities?.loadSession).toBe(true);
    expect(init.agentCapabilities?.sessionCapabilities?.list).toEqual({});
    expect(init.agentCapabilities?.promptCapabilities?.embeddedContext).toBe(true);
    expect(init.agentCapabilities?.mcpCapabilities).toEqual({ http: false, sse: false });
    expect(init.agentInfo?.name).toBe("loom");
  });

  test("a turn streams text, asks before an edit, reports the diff and usage", async () => {
    const { engine } = scriptedEngine(async (req, tools) => {
      req.onEvent({ type: "text", text: "Let me " });
      req.onEvent({ type: "text", text: "fix it." });
      await runTool(req, tools.read_file!, "c1", { path: "a.ts" });
      await runTool(req, tools.edit_file!, "c2", { path: "a.ts", old_string: "x", new_string: "y" });
      req.onEvent({ type: "usage", usage: { inputTokens: 100, outputTokens: 20 } });
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
    });
  });

  test("reject once skips the tool; always-answers are remembered for the session", async () => {
    const outputs: string[] = [];
    const { engine } = scriptedEngine(async (req, tools) => {
      outputs.push(
        await runTool(req, tools.edit_file!, `e${outputs.length}`, {
          path: "a",
          old_string: "1",
          new_string: "2",
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
    const { engine } = scriptedEngine(async (req, tools) => {
      outputs.push(
        await runTool(req, tools.edit_file!, "e", { path: "a", old_string: "1", new_string: "2" }),
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
    });
  });

  test("cancel aborts the running turn and the prompt returns cancelled", async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const { engine } = scriptedEngine(async (req) => {
      req.onEvent({ type: "text", text: "working" });
      started();
      await new Promise<void>((resolve) =>
        req.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
      return "cancelled";
    });
    await withClient(engine, {}, async (ctx) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      const pending = ctx.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "go" }],
      });
      await running;
      await ctx.notify(methods.agent.session.cancel, { sessionId });
      expect((await pending).stopReason).toBe("cancelled");
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

  test("with fs capabilities, files are read and edited through the client's buffers", async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), "loom-acp-")));
    writeFileSync(join(root, "a.ts"), "on disk\n");
    const outputs: string[] = [];
    const { engine } = scriptedEngine(async (req, tools) => {
      outputs.push(await runTool(req, tools.read_file!, "r", { path: "a.ts" }));
      outputs.push(
        await runTool(req, tools.edit_file!, "e", {
          path: "a.ts",
          old_string: "unsaved",
          new_string: "saved",
        }),
      );
      outputs.push(await runTool(req, tools.read_file!, "r2", { path: "../outside" }));
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
        expect(outputs[1]).toBe("Edited a.ts (1 replacement)");
        expect(outputs[2]).toContain("PATH_OUTSIDE_WORKSPACE");
        expect(h.writes).toEqual([{ path, content: "saved buffer\n" }]);
        expect(h.reads).toEqual([path, path]);
      },
    );
  });
});
