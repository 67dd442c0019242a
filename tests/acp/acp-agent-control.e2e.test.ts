/**
 * The real `loom acp-agent` under control traffic: what a cancel really stops (the model's HTTP
 * stream, a running command, a pending question), "always" answers across turns, plans, the
 * session lifecycle beyond load, and hostile input on its stdin.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import { createSandbox, lastToolUpdate, MAIN, startAgent, storedSession } from "./harness.ts";

const newSession = (a: { agent: acp.ClientContext }, cwd: string) =>
  a.agent.request(methods.agent.session.new, { cwd, mcpServers: [] });
const prompt = (sessionId: string, text = "go"): acp.PromptRequest => ({
  sessionId,
  prompt: [{ type: "text", text }],
});

/** Polls `check` every 20 ms, at most `ms`; true once it held. */
async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (check()) return true;
    await Bun.sleep(20);
  }
  return check();
}

/** An HTTP hop between the agent and the fake model that records whether the agent hung up on a request. */
function observingProxy(target: string) {
  const hungUp: boolean[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const i = hungUp.push(false) - 1;
      req.signal.addEventListener("abort", () => {
        hungUp[i] = true;
      });
      const url = new URL(req.url);
      const headers = new Headers(req.headers);
      headers.delete("host");
      return fetch(`${target}${url.pathname}${url.search}`, {
        method: req.method,
        headers,
        body: await req.arrayBuffer(),
        signal: req.signal,
      });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, hungUp, stop: () => server.stop(true) };
}

describe("loom acp-agent (real subprocess): control", () => {
  test("cancel mid-stream hangs up on the model's HTTP stream", async () => {
    const sb = await createSandbox({
      turns: [{ text: ["Thinking ", "for a long time"], fault: "stall" }],
      stallMs: 20_000,
    });
    const proxy = observingProxy(sb.upstream.url);
    sb.env.ANTHROPIC_BASE_URL = proxy.url;
    const a = await startAgent(sb);
    try {
      const { sessionId } = await newSession(a, sb.workspace);
      const pending = a.agent.request(methods.agent.session.prompt, prompt(sessionId));
      await a.waitFor((u) => u.sessionUpdate === "agent_message_chunk");
      expect(proxy.hungUp).toEqual([false]);
      await a.agent.notify(methods.agent.session.cancel, { sessionId });
      expect((await pending).stopReason).toBe("cancelled");
      expect(await eventually(() => proxy.hungUp[0] === true)).toBe(true);
    } finally {
      await a.close();
      proxy.stop();
      await sb.cleanup();
    }
  });

  test("cancel finds a session that a new process loaded, and the thread keeps the cancelled turn", async () => {
    const sb = await createSandbox({
      turns: [{ text: "first answer" }, { text: ["Thinking ", "long"], fault: "stall" }, { text: "third" }],
      stallMs: 20_000,
    });
    const sessionId = await storedSession(sb, "one");
    const second = await startAgent(sb);
    try {
      await second.agent.request(methods.agent.session.load, {
        sessionId,
        cwd: sb.workspace,
        mcpServers: [],
      });
      second.updates.length = 0;
      const pending = second.agent.request(methods.agent.session.prompt, prompt(sessionId, "two"));
      await second.waitFor((u) => u.sessionUpdate === "agent_message_chunk");
      await second.agent.notify(methods.agent.session.cancel, { sessionId });
      expect((await pending).stopReason).toBe("cancelled");
      const res = await second.agent.request(methods.agent.session.prompt, prompt(sessionId, "three"));
      expect(res.stopReason).toBe("end_turn");
      const body = JSON.stringify(sb.upstream.requests[2]?.body);
      expect(body).toContain("first answer");
      expect(body).toContain("two");
      // The reply the user saw before cancelling goes back to the model, between the two questions.
      const sent = (sb.upstream.requests[2]!.body as { messages: { role: string; content: unknown }[] })
        .messages;
      expect(sent.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
      expect(sent[3]?.content).toEqual([{ type: "text", text: "Thinking " }]);
    } finally {
      await second.close();
      await sb.cleanup();
    }
  });

  test("the editor going away mid-turn: the agent stops the turn, saves the thread and exits 0", async () => {
    const sb = await createSandbox({
      turns: [{ text: ["Thinking ", "long"], fault: "stall" }],
      stallMs: 20_000,
    });
    const a = await startAgent(sb);
    let sessionId = "";
    try {
      sessionId = (await newSession(a, sb.workspace)).sessionId;
      void a.agent
        .request(methods.agent.session.prompt, prompt(sessionId, "unfinished question"))
        .catch(() => {});
      await a.waitFor((u) => u.sessionUpdate === "agent_message_chunk");
    } finally {
      expect(await a.close()).toBe(0);
    }
    const b = await startAgent(sb);
    try {
      await b.agent.request(methods.agent.session.load, { sessionId, cwd: sb.workspace, mcpServers: [] });
      expect(b.updates.slice(0, 2).map((u) => u.update)).toEqual([
        { sessionUpdate: "user_message_chunk", content: { type: "text", text: "unfinished question" } },
        // What the editor showed before it went away is kept and replayed.
        { sessionUpdate: "agent_message_chunk", content: { type: "text", text: "Thinking " } },
      ]);
    } finally {
      await b.close();
      await sb.cleanup();
    }
  });

  test("cancel during a command kills it (and its children) and returns cancelled", async () => {
    // The sandbox's PID namespace hides host PIDs from the command: find the sleep by a unique argv.
    const sleep = `sleep 60.${process.pid}`;
    const running = () => Bun.spawnSync(["pgrep", "-f", `^${sleep}$`]).exitCode === 0;
    const command = `${sleep} & echo started > sleep.pid; wait`;
    const sb = await createSandbox({
      turns: [
        { toolCalls: [{ id: "b1", name: "bash", input: { command } }], stop: "tool_use" },
        { text: "never reached" },
      ],
    });
    const a = await startAgent(sb, { args: ["--permission-mode", "auto"] });
    try {
      const { sessionId } = await newSession(a, sb.workspace);
      const pending = a.agent.request(methods.agent.session.prompt, prompt(sessionId));
      const pidFile = join(sb.workspace, "sleep.pid");
      expect(await eventually(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "")).toBe(
        true,
      );
      expect(await eventually(running)).toBe(true);
      await a.agent.notify(methods.agent.session.cancel, { sessionId });
      expect((await pending).stopReason).toBe("cancelled");
      expect(await eventually(() => !running())).toBe(true);
      expect(lastToolUpdate(a.updates, "b1")).toMatchObject({ status: "failed" });
      // The model was not asked again after the cancel.
      expect(sb.upstream.requests).toHaveLength(1);
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("cancel while a permission question is open withdraws it; nothing is edited", async () => {
    const sb = await createSandbox(
      {
        turns: [
          {
            toolCalls: [
              { id: "e1", name: "edit_file", input: { path: "a.txt", edits: [{ old: "x", new: "y" }] } },
            ],
            stop: "tool_use",
          },
          { text: "never reached" },
        ],
      },
      { "a.txt": "x\n" },
    );
    let asked!: () => void;
    const questionOpen = new Promise<void>((r) => {
      asked = r;
    });
    // The user never answers.
    const a = await startAgent(sb, {
      answer: () => {
        asked();
        return new Promise<string>(() => {});
      },
    });
    try {
      const { sessionId } = await newSession(a, sb.workspace);
      const pending = a.agent.request(methods.agent.session.prompt, prompt(sessionId));
      await questionOpen;
      await a.agent.notify(methods.agent.session.cancel, { sessionId });
      expect((await pending).stopReason).toBe("cancelled");
      expect(readFileSync(join(sb.workspace, "a.txt"), "utf8")).toBe("x\n");
      expect(lastToolUpdate(a.updates, "e1")).toMatchObject({ status: "failed" });
      expect(sb.upstream.requests).toHaveLength(1);
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("at the max_steps limit the client is asked whether to go on; stop answers max_turn_requests", async () => {
    const read = (id: string) => ({
      toolCalls: [{ id, name: "read_file", input: { path: "a.txt" } }],
      stop: "tool_use" as const,
    });
    const sb = await createSandbox(
      { turns: [read("r1"), read("r2"), { text: "never" }] },
      { "a.txt": "1\n" },
    );
    sb.env.LOOM_AGENT__MAX_STEPS = "1";
    const answers = ["continue", "stop"];
    const a = await startAgent(sb, { answer: () => answers.shift() ?? "stop" });
    try {
      const { sessionId } = await newSession(a, sb.workspace);
      const res = await a.agent.request(methods.agent.session.prompt, prompt(sessionId, "loop"));
      expect(res.stopReason).toBe("max_turn_requests");
      expect(a.permissions.map((p) => [p.toolCall.toolCallId, p.toolCall.kind])).toEqual([
        ["loom-step-limit-1", "other"],
        ["loom-step-limit-2", "other"],
      ]);
      expect(a.permissions[0]?.toolCall.title).toContain("1 model requests");
      expect(a.seenBeforeAsk).toEqual([true, true]);
      // "continue" granted one more request; "stop" ended the turn before a third.
      expect(sb.upstream.requests).toHaveLength(2);
      const closed = a.updates
        .map((n) => n.update)
        .filter((u) => u.sessionUpdate === "tool_call_update" && u.toolCallId.startsWith("loom-step-limit"));
      expect(closed.map((u) => (u as { status?: string }).status)).toEqual(["completed", "failed"]);
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("allow always: asked once for a tool, later calls in later turns run without asking", async () => {
    const edit = (id: string, old: string, now: string) => ({
      toolCalls: [{ id, name: "edit_file", input: { path: "a.txt", edits: [{ old, new: now }] } }],
      stop: "tool_use" as const,
    });
    const sb = await createSandbox(
      {
        turns: [
          edit("e1", "1", "2"),
          edit("e2", "2", "3"),
          { text: "ok" },
          edit("e3", "3", "4"),
          { toolCalls: [{ id: "b1", name: "bash", input: { command: "true" } }], stop: "tool_use" },
          { text: "done" },
        ],
      },
      { "a.txt": "1\n" },
    );
    const a = await startAgent(sb, { answer: "allow_always" });
    try {
      const { sessionId } = await newSession(a, sb.workspace);
      await a.agent.request(methods.agent.session.prompt, prompt(sessionId, "one"));
      await a.agent.request(methods.agent.session.prompt, prompt(sessionId, "two"));
      expect(readFileSync(join(sb.workspace, "a.txt"), "utf8")).toBe("4\n");
      // Remembered per tool: bash is still asked about once.
      expect(a.permissions.map((p) => p.toolCall.toolCallId)).toEqual(["e1", "b1"]);
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("with the terminal capability, commands run in the client's terminal, shown in the tool call", async () => {
    const sb = await createSandbox({
      turns: [
        {
          toolCalls: [{ id: "b1", name: "bash", input: { command: "echo from $PWD; exit 2" } }],
          stop: "tool_use",
        },
        { text: "ran" },
      ],
    });
    const terminals: acp.CreateTerminalRequest[] = [];
    const a = await startAgent(sb, { terminals, args: ["--permission-mode", "auto"] });
    try {
      const { sessionId } = await newSession(a, sb.workspace);
      await a.agent.request(methods.agent.session.prompt, prompt(sessionId));
      // In the session's sandbox: bubblewrap is the terminal's program, bash -c the command inside.
      expect(terminals).toEqual([
        expect.objectContaining({ sessionId, command: expect.stringMatching(/bwrap$/), cwd: sb.workspace }),
      ]);
      expect(terminals[0]?.args?.slice(-4)).toEqual(["--", "bash", "-c", "echo from $PWD; exit 2"]);
      const updates = a.updates.map((n) => n.update);
      expect(updates).toContainEqual({
        sessionUpdate: "tool_call_update",
        toolCallId: "b1",
        content: [{ type: "terminal", terminalId: "term-1" }],
      });
      // The model sees the terminal's output and exit code in bash's own shape.
      const sent = JSON.stringify(sb.upstream.requests[1]?.body);
      expect(sent).toContain(`from ${sb.workspace}`);
      expect(sent).toContain("exit_code");
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("a task list in the model's reply is sent as a plan, and replayed by a new process", async () => {
    const sb = await createSandbox({
      turns: [{ text: ["Plan:\n- [x] read the code\n", "- [ ] write the fix\n", "Starting."] }],
    });
    const plans = (u: acp.SessionNotification[]) =>
      u.flatMap((n) =>
        n.update.sessionUpdate === "plan" ? [n.update.entries.map((e) => [e.content, e.status])] : [],
      );
    let sessionId = "";
    const first = await startAgent(sb);
    try {
      sessionId = (await newSession(first, sb.workspace)).sessionId;
      await first.agent.request(methods.agent.session.prompt, prompt(sessionId));
      expect(plans(first.updates)).toEqual([
        [["read the code", "completed"]],
        [
          ["read the code", "completed"],
          ["write the fix", "pending"],
        ],
      ]);
    } finally {
      await first.close();
    }
    const second = await startAgent(sb);
    try {
      await second.agent.request(methods.agent.session.load, {
        sessionId,
        cwd: sb.workspace,
        mcpServers: [],
      });
      expect(plans(second.updates)).toEqual([
        [
          ["read the code", "completed"],
          ["write the fix", "pending"],
        ],
      ]);
    } finally {
      await second.close();
      await sb.cleanup();
    }
  });

  test("resume continues a stored session without replay; close, then delete removes it from the list", async () => {
    const sb = await createSandbox({ turns: [{ text: "first" }, { text: "second" }] });
    const sessionId = await storedSession(sb, "hello");
    const second = await startAgent(sb);
    try {
      expect(second.init.agentCapabilities?.sessionCapabilities).toMatchObject({
        resume: {},
        close: {},
        delete: {},
      });
      await second.agent.request(methods.agent.session.resume, { sessionId, cwd: sb.workspace });
      expect(second.updates).toEqual([]);
      const res = await second.agent.request(methods.agent.session.prompt, prompt(sessionId, "again"));
      expect(res.stopReason).toBe("end_turn");
      expect(JSON.stringify(sb.upstream.requests[1]?.body)).toContain("hello");
      await second.agent.request(methods.agent.session.close, { sessionId });
      await expect(second.agent.request(methods.agent.session.prompt, prompt(sessionId))).rejects.toThrow();
      await second.agent.request(methods.agent.session.delete, { sessionId });
      const list = await second.agent.request(methods.agent.session.list, { cwd: sb.workspace });
      expect(list.sessions).toEqual([]);
      await expect(
        second.agent.request(methods.agent.session.load, { sessionId, cwd: sb.workspace, mcpServers: [] }),
      ).rejects.toThrow();
    } finally {
      await second.close();
      await sb.cleanup();
    }
  });

  test("two sessions prompted together in one process: each gets its own updates and thread", async () => {
    const sb = await createSandbox({
      turns: [
        { text: ["reply ", "one"], delayMs: 200 },
        { text: ["reply ", "two"], delayMs: 200 },
      ],
    });
    const a = await startAgent(sb);
    try {
      const s1 = (await newSession(a, sb.workspace)).sessionId;
      const s2 = (await newSession(a, sb.workspace)).sessionId;
      const results = await Promise.all([
        a.agent.request(methods.agent.session.prompt, prompt(s1, "first")),
        a.agent.request(methods.agent.session.prompt, prompt(s2, "second")),
      ]);
      expect(results.map((r) => r.stopReason)).toEqual(["end_turn", "end_turn"]);
      const textOf = (id: string) =>
        a.updates
          .filter((n) => n.sessionId === id && n.update.sessionUpdate === "agent_message_chunk")
          .map((n) =>
            n.update.sessionUpdate === "agent_message_chunk" && n.update.content.type === "text"
              ? n.update.content.text
              : "",
          )
          .join("");
      expect([textOf(s1), textOf(s2)].sort()).toEqual(["reply one", "reply two"]);
      const list = await a.agent.request(methods.agent.session.list, { cwd: sb.workspace });
      expect(list.sessions.map((x) => x.title).sort()).toEqual(["first", "second"]);
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("hostile input: each bad line gets a JSON-RPC error, the agent keeps serving and exits 0", async () => {
    const sb = await createSandbox({ turns: [{ text: "Still fine." }] });
    const proc = Bun.spawn([process.execPath, MAIN, "acp-agent", "--provider", "anthropic"], {
      cwd: sb.workspace,
      env: sb.env,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    const rpc = (id: number, method: string, params?: unknown) =>
      JSON.stringify({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });
    const early = [
      "this is not json",
      rpc(0, "session/new", { cwd: sb.workspace, mcpServers: [] }),
      rpc(1, "initialize", { protocolVersion: 1, clientCapabilities: {} }),
    ];
    const lines = [
      rpc(2, "no/such_method", {}),
      rpc(3, "session/prompt", prompt("T-00000000-0000-7000-8000-000000000000")),
      rpc(4, "session/prompt", { sessionId: 5 }),
      "[1,2,3]",
      JSON.stringify({ jsonrpc: "2.0", method: "session/cancel", params: { sessionId: "T-nope" } }),
      rpc(5, "session/set_mode", { sessionId: "T-nope", modeId: "ask" }),
      rpc(6, "session/load", { sessionId: "../../etc/passwd", cwd: sb.workspace, mcpServers: [] }),
      rpc(7, "session/new", { cwd: sb.workspace, mcpServers: [] }),
    ];
    const out = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const replies: Record<string, unknown>[] = [];
    let buffered = "";
    let reading: ReturnType<typeof out.read> | undefined;
    /** Reads reply lines until `done` holds (bounded by a 15 s deadline). */
    const readUntil = async (done: () => boolean) => {
      const deadline = Date.now() + 15_000;
      while (!done() && Date.now() < deadline) {
        // A read that loses the race stays pending and is awaited next time round (its data kept).
        reading ??= out.read();
        const chunk = await Promise.race([reading, Bun.sleep(500).then(() => undefined)]);
        if (!chunk) continue;
        reading = undefined;
        if (chunk.done) break;
        buffered += chunk.value;
        const parts = buffered.split("\n");
        buffered = parts.pop() ?? "";
        for (const p of parts) if (p.trim()) replies.push(JSON.parse(p));
      }
    };
    try {
      for (const l of early) proc.stdin.write(`${l}\n`);
      await proc.stdin.flush();
      await readUntil(() => replies.some((r) => r.id === 1));
      for (const l of lines) proc.stdin.write(`${l}\n`);
      await proc.stdin.flush();
      await readUntil(() => replies.some((r) => r.id === 7));
      const byId = (id: number | null) => replies.filter((r) => r.id === id);
      const code = (r: Record<string, unknown> | undefined) =>
        (r?.error as { code?: number } | undefined)?.code;
      expect(byId(null).map(code)).toEqual([-32700, -32600]);
      // A request before initialize is refused, not run.
      expect(code(byId(0)[0])).toBe(-32600);
      expect(code(byId(2)[0])).toBe(-32601);
      expect(code(byId(3)[0])).toBe(-32002);
      expect(code(byId(4)[0])).toBe(-32602);
      expect(code(byId(5)[0])).toBe(-32002);
      expect(code(byId(6)[0])).toBe(-32002);
      const created = byId(7)[0]?.result as { sessionId: string } | undefined;
      const sessionId = created?.sessionId ?? "";
      expect(sessionId).toMatch(/^T-/);
      // Still serving: a real turn after all that.
      proc.stdin.write(`${rpc(8, "session/prompt", prompt(sessionId))}\n`);
      await proc.stdin.flush();
      await readUntil(() => replies.some((r) => r.id === 8));
      expect(byId(8)[0]?.result).toEqual({ stopReason: "end_turn" });
      // A half-written line at the end of input does not crash it either.
      proc.stdin.write('{"jsonrpc":"2.0","id":9,"method":"sess');
      proc.stdin.end();
      expect(await proc.exited).toBe(0);
      expect(await new Response(proc.stderr).text()).not.toContain("    at ");
    } finally {
      proc.kill();
      await proc.exited;
      await sb.cleanup();
    }
  });
});
