import { describe, expect, test } from "bun:test";
import type * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import { runTool, scriptedEngine, withClient } from "./_test-harness.ts";

const prompt = (sessionId: string, text = "go"): acp.PromptRequest => ({
  sessionId,
  prompt: [{ type: "text", text }],
});

describe("acp server: plans, stop reasons, session lifecycle", () => {
  test("a task list in the model's reply becomes plan updates, kept across turns and replayed on load", async () => {
    let turnNo = 0;
    const { engine, records } = scriptedEngine(async (turn) => {
      const reply =
        ++turnNo === 1
          ? ["Plan:\n- [ ] read", " a.ts\n", "- [ ] fix it\n"]
          : ["Still:\n- [ ] read a.ts\n- [ ] fix it\n", "then\n", "- [x] read a.ts\n- [~] fix it"];
      for (const text of reply) turn.onEvent({ type: "text", text });
      const r = records.get("S-1")!;
      r.messages.push({ role: "assistant", content: reply.join("") });
      return "end_turn";
    });
    await withClient(engine, {}, async (ctx, h) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      await ctx.request(methods.agent.session.prompt, prompt(sessionId));
      const plans = () =>
        h.updates.flatMap((u) =>
          u.sessionUpdate === "plan" ? [u.entries.map((e) => `${e.status}:${e.content}`)] : [],
        );
      // Each finished line that changes the list sends the whole list.
      expect(plans()).toEqual([["pending:read a.ts"], ["pending:read a.ts", "pending:fix it"]]);
      await ctx.request(methods.agent.session.prompt, prompt(sessionId));
      // The restated list is not news; each progress line is, the last one when the turn ends.
      expect(plans().slice(2)).toEqual([
        ["completed:read a.ts", "pending:fix it"],
        ["completed:read a.ts", "in_progress:fix it"],
      ]);
      h.updates.length = 0;
      await ctx.request(methods.agent.session.load, { sessionId, cwd: "/w", mcpServers: [] });
      expect(plans()).toEqual([
        ["pending:read a.ts", "pending:fix it"],
        ["completed:read a.ts", "in_progress:fix it"],
      ]);
    });
  });

  test("refusal and max_tokens finishes are the prompt's stop reasons", async () => {
    const reasons = ["refusal", "max_tokens", "tool_use", "stop_sequence"] as const;
    let i = 0;
    const { engine } = scriptedEngine(async () => reasons[i++]!);
    await withClient(engine, {}, async (ctx) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      const got: string[] = [];
      for (let n = 0; n < reasons.length; n++) {
        const res = await ctx.request(methods.agent.session.prompt, prompt(sessionId));
        got.push(res.stopReason);
      }
      expect(got).toEqual(["refusal", "max_tokens", "end_turn", "end_turn"]);
    });
  });

  test("a second prompt while one runs is refused; a cancel for another session does not touch it", async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    let turnSignal: AbortSignal | undefined;
    const { engine } = scriptedEngine(async (turn) => {
      turnSignal = turn.signal;
      started();
      await new Promise<void>((r) => turn.signal.addEventListener("abort", () => r(), { once: true }));
      return "cancelled";
    });
    await withClient(engine, {}, async (ctx) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      const other = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      const first = ctx.request(methods.agent.session.prompt, prompt(sessionId));
      await running;
      const second = await ctx.request(methods.agent.session.prompt, prompt(sessionId)).then(
        () => undefined,
        (e: unknown) => e as { code?: number },
      );
      expect(second?.code).toBe(-32600);
      await ctx.notify(methods.agent.session.cancel, { sessionId: other.sessionId });
      await ctx.notify(methods.agent.session.cancel, { sessionId: "S-unknown" });
      // Messages are handled in order: once this answers, both cancels have been seen.
      await ctx.request(methods.agent.session.list, {});
      expect(turnSignal?.aborted).toBe(false);
      await ctx.notify(methods.agent.session.cancel, { sessionId });
      expect((await first).stopReason).toBe("cancelled");
    });
  });

  test("reject always is remembered: the second call is refused without asking", async () => {
    const outputs: string[] = [];
    const { engine } = scriptedEngine(async (turn, tools) => {
      for (const id of ["e1", "e2"])
        outputs.push(
          await runTool(turn, tools.edit_file!, id, { path: "a", edits: [{ old: "1", new: "2" }] }),
        );
      return "end_turn";
    });
    await withClient(engine, { answer: "reject_always" }, async (ctx, h) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      await ctx.request(methods.agent.session.prompt, prompt(sessionId));
      expect(outputs).toEqual(["rejected by the user", "rejected by the user"]);
      expect(h.permissions.map((p) => p.toolCall.toolCallId)).toEqual(["e1"]);
      // The client has seen the tool call before it is asked about it.
      expect(h.seenBeforeAsk).toEqual([true]);
      // A new session starts with no memory.
      const other = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      await ctx.request(methods.agent.session.prompt, prompt(other.sessionId));
      expect(h.permissions).toHaveLength(2);
    });
  });

  test("MCP servers offered by the client reach the engine, on session/new and session/load", async () => {
    const { engine } = scriptedEngine(async () => "end_turn");
    const seen: unknown[] = [];
    const spy = {
      ...engine,
      newSession: (cwd: string, hooks: Parameters<typeof engine.newSession>[1], o?: unknown) => {
        seen.push(["new", o]);
        return engine.newSession(cwd, hooks);
      },
      loadSession: (
        id: string,
        cwd: string,
        hooks: Parameters<typeof engine.loadSession>[2],
        o?: unknown,
      ) => {
        seen.push(["load", o]);
        return engine.loadSession(id, cwd, hooks);
      },
    };
    await withClient(spy, {}, async (ctx) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, {
        cwd: "/w",
        mcpServers: [{ name: "gh", command: "gh-mcp", args: ["--stdio"], env: [] }],
      });
      await ctx.request(methods.agent.session.load, {
        sessionId,
        cwd: "/w",
        mcpServers: [{ type: "http", name: "remote", url: "https://r/mcp", headers: [] }],
      });
    });
    expect(seen).toEqual([
      ["new", { mcpServers: { gh: { command: "gh-mcp", args: ["--stdio"], env: {} } } }],
      [
        "load",
        { mcpServers: { remote: { url: "https://r/mcp", headers: {}, transport: "streamable-http" } } },
      ],
    ]);
  });

  test("resume opens a session without replay; close ends it; delete removes it", async () => {
    const { engine, records } = scriptedEngine(async () => "end_turn");
    await withClient(engine, {}, async (ctx, h) => {
      const init = await ctx.request(methods.agent.initialize, {
        protocolVersion: 1,
        clientCapabilities: {},
      });
      expect(init.agentCapabilities?.sessionCapabilities).toEqual({
        list: {},
        resume: {},
        close: {},
        delete: {},
      });
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      await ctx.request(methods.agent.session.prompt, prompt(sessionId, "first"));
      await ctx.request(methods.agent.session.close, { sessionId });
      await expect(ctx.request(methods.agent.session.prompt, prompt(sessionId))).rejects.toThrow();
      // Closing again is a no-op success.
      expect(await ctx.request(methods.agent.session.close, { sessionId })).toEqual({});
      h.updates.length = 0;
      const resumed = await ctx.request(methods.agent.session.resume, { sessionId, cwd: "/w" });
      expect(resumed.modes?.currentModeId).toBe("ask");
      expect(h.updates).toEqual([]);
      await ctx.request(methods.agent.session.prompt, prompt(sessionId, "second"));
      expect(records.get(sessionId)?.messages.map((m) => m.content)).toEqual(["first", "second"]);
      await ctx.request(methods.agent.session.delete, { sessionId });
      expect(records.has(sessionId)).toBe(false);
      await expect(ctx.request(methods.agent.session.prompt, prompt(sessionId))).rejects.toThrow();
      expect(await ctx.request(methods.agent.session.delete, { sessionId })).toEqual({});
      await expect(ctx.request(methods.agent.session.resume, { sessionId, cwd: "/w" })).rejects.toThrow();
    });
  });
});
