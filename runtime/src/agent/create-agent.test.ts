import { describe, expect, test } from "bun:test";
import { LoomError } from "../errors.ts";
import { LlmError, type LlmEvent, type Message } from "../llm.ts";
import type { Tool, ToolContext } from "../tool.ts";
import { createManualClock } from "./clock.ts";
import { createAgent } from "./create-agent.ts";
import { completedEvent, createScriptedLlm, failingStream, textReply } from "./scripted-llm.ts";
import type { Agent, AgentEvent, PostToolsContext } from "./types.ts";

function tool(name: string, invoke: Tool["invoke"], extra: Partial<Tool> = {}): Tool {
  return { name, description: `${name} tool`, inputSchema: { type: "object" }, invoke, ...extra };
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function record(agent: Agent): AgentEvent[] {
  const events: AgentEvent[] = [];
  agent.on((e) => events.push(e));
  return events;
}

function waitFor(agent: Agent, match: (e: AgentEvent) => boolean): Promise<AgentEvent> {
  return new Promise((resolve) => {
    const off = agent.on((e) => {
      if (match(e)) {
        off();
        resolve(e);
      }
    });
  });
}

const toolMessages = (messages: Message[]) => messages.filter((m) => m.role === "tool");

describe("a full multi-turn exchange", () => {
  test("streamed tool calls, out-of-order completion, post hook, retry with a fake clock, cancel mid-tool", async () => {
    const clock = createManualClock(1_000);
    const releaseA = deferred();
    let slowSignal: AbortSignal | undefined;
    const hookCalls: PostToolsContext[] = [];
    const files = new Map([["a.txt", "alpha"]]);
    const tools: Tool[] = [
      tool("read_a", async () => {
        await releaseA.promise;
        return { output: files.get("a.txt") };
      }),
      tool("read_b", async (input) => ({ output: { got: input } })),
      tool(
        "edit",
        async (input) => {
          files.set("a.txt", (input as { text: string }).text);
          return { output: "edited" };
        },
        { mutating: true },
      ),
      tool("slow", (_input, ctx: ToolContext) => {
        slowSignal = ctx.signal;
        return new Promise(() => {}); // never settles: only the cancel ends it
      }),
    ];
    const turn1: LlmEvent[] = [
      { type: "text.delta", text: "Reading " },
      { type: "tool_call.start", index: 0, id: "ca", name: "read_a" },
      { type: "tool_call.start", index: 1, id: "cb", name: "read_b" },
      { type: "tool_call.delta", index: 1, argsDelta: '{"q":' },
      { type: "tool_call.delta", index: 0, argsDelta: "{}" },
      { type: "tool_call.delta", index: 1, argsDelta: '"x"}' },
      { type: "usage", usage: { inputTokens: 1, outputTokens: 1 } },
      completedEvent("Reading both."),
    ];
    const llm = createScriptedLlm([
      turn1,
      [completedEvent("", [{ id: "ce", name: "edit", input: '{"text":"beta"}' }])],
      new LlmError("transient", "overloaded", { status: 529 }),
      textReply("All done."),
      [completedEvent("", [{ id: "cs", name: "slow", input: {} }])],
      textReply("Fresh start."),
    ]);
    const permissionAsked: string[] = [];
    const agent = createAgent({
      llm,
      tools,
      model: "m1",
      system: "be brief",
      clock,
      random: () => 0.5,
      permission: async (call) => {
        permissionAsked.push(call.name);
        return "allow";
      },
      hooks: { postTools: (ctx) => void hookCalls.push(ctx) },
    });
    const events = record(agent);
    agent.on((e) => {
      if (e.type === "tool.completed" && e.name === "read_b") releaseA.resolve();
    });
    const retrying = waitFor(agent, (e) => e.type === "llm.failed");

    const first = agent.send("read and edit");
    const failed = await retrying;
    expect(failed).toMatchObject({ type: "llm.failed", willRetry: true, retries: 0, delayMs: 200 });
    expect(llm.requests).toHaveLength(3);
    clock.advance(199);
    expect(llm.requests).toHaveLength(3); // the timer has not fired yet
    clock.advance(1);
    const r1 = await first;

    expect(r1.reason).toBe("end_turn");
    expect(r1.message).toEqual({ role: "assistant", content: "All done." });
    expect(r1.usage).toEqual({ inputTokens: 300, outputTokens: 60 });
    // Request 2 carries both tool results in call order, though read_b finished first.
    const completedOrder = events
      .filter((e) => e.type === "tool.completed")
      .map((e) => (e as { name: string }).name);
    expect(completedOrder.slice(0, 2)).toEqual(["read_b", "read_a"]);
    expect(toolMessages(llm.requests[1]!.messages)).toEqual([
      { role: "tool", toolCallId: "ca", name: "read_a", content: "alpha" },
      { role: "tool", toolCallId: "cb", name: "read_b", content: '{"got":{"q":"x"}}' },
    ]);
    expect(llm.requests[0]).toMatchObject({ model: "m1", system: "be brief" });
    expect(llm.requests[0]!.tools?.map((t) => t.name)).toEqual(["read_a", "read_b", "edit", "slow"]);
    // The mutating edit asked permission, ran, and led through the hook before the next request.
    expect(permissionAsked).toEqual(["edit"]);
    expect(files.get("a.txt")).toBe("beta");
    expect(hookCalls).toHaveLength(1);
    expect(hookCalls[0]!.executions.map((e) => e.call.name)).toEqual(["edit"]);
    // The retried request was identical to the failed one.
    expect(llm.requests[3]!.messages).toEqual(llm.requests[2]!.messages);
    expect(events.filter((e) => e.type === "agent.text_delta")).toEqual([
      { type: "agent.text_delta", text: "Reading " },
      { type: "agent.text_delta", text: "All done." },
    ]);
    const states = events.filter((e) => e.type === "state.changed").map((e) => (e as { to: string }).to);
    expect(states).toContain("PostToolsHook");
    expect(states).toContain("Error");

    // Turn 2: cancel while the slow tool runs.
    const started = waitFor(agent, (e) => e.type === "tool.started" && e.name === "slow");
    const second = agent.send("run slow");
    await started;
    expect(agent.state.type).toBe("ExecutingTools");
    agent.cancel();
    const r2 = await second;
    expect(r2.reason).toBe("cancelled");
    expect(slowSignal?.aborted).toBe(true);
    expect(toolMessages(r2.messages)).toEqual([
      {
        role: "tool",
        toolCallId: "cs",
        name: "slow",
        content: "TOOL_CANCELLED: cancelled by user",
        isError: true,
      },
    ]);
    expect(events.findLast((e) => e.type === "tool.completed")).toMatchObject({
      name: "slow",
      isError: true,
    });

    // Turn 3: the history sent is valid and includes the cancelled result.
    const r3 = await agent.send("again");
    expect(r3.message?.content).toBe("Fresh start.");
    const sent = llm.requests[5]!.messages;
    expect(sent.at(-1)).toEqual({ role: "user", content: "again" });
    expect(toolMessages(sent).map((m) => m.toolCallId)).toEqual(["ca", "cb", "ce", "cs"]);
    expect(agent.snapshot()).toMatchObject({
      state: "WaitingForUserInput",
      usage: { inputTokens: 500, outputTokens: 100 },
    });
  });
});

describe("tool failures become results the model reads", () => {
  async function oneBatch(
    calls: LlmEvent,
    tools: Tool[],
    extra: Parameters<typeof createAgent>[0]["permission"],
  ) {
    const llm = createScriptedLlm([[calls], textReply("ok")]);
    const agent = createAgent({ llm, tools, model: "m", permission: extra });
    await agent.send("go");
    return toolMessages(llm.requests[1]!.messages);
  }

  test("unknown tool, invalid JSON, LoomError, plain error, denied permission", async () => {
    const tools = [
      tool("loom_err", async () => {
        throw new LoomError("PATH_OUTSIDE_WORKSPACE", "/etc/passwd is outside the workspace");
      }),
      tool("boom", () => {
        throw new TypeError("bad thing");
      }),
      tool("write", async () => ({ output: "wrote" }), { mutating: true }),
    ];
    const results = await oneBatch(
      completedEvent("", [
        { id: "1", name: "nope", input: {} },
        { id: "2", name: "loom_err", input: "{bad json" },
        { id: "3", name: "loom_err", input: {} },
        { id: "4", name: "boom", input: {} },
        { id: "5", name: "write", input: {} },
      ]),
      tools,
      async () => "deny",
    );
    expect(results.map((r) => [r.toolCallId, r.content, r.isError])).toEqual([
      ["1", 'TOOL_NOT_FOUND: no tool named "nope". Available tools: loom_err, boom, write', true],
      [
        "2",
        expect.stringMatching(
          /^TOOL_INPUT_INVALID: invalid JSON arguments: .*Arguments received: \{bad json$/,
        ),
        true,
      ],
      ["3", "PATH_OUTSIDE_WORKSPACE: /etc/passwd is outside the workspace", true],
      ["4", "TOOL_FAILED: bad thing", true],
      ["5", "PERMISSION_DENIED: permission denied by user", true],
    ]);
  });

  test("a tool past its timeout gets TOOL_TIMEOUT and its signal fires", async () => {
    const clock = createManualClock();
    let signal: AbortSignal | undefined;
    const hang = tool(
      "hang",
      (_i, ctx) => {
        signal = ctx.signal;
        return new Promise(() => {});
      },
      { timeoutMs: 50 },
    );
    const llm = createScriptedLlm([
      [completedEvent("", [{ id: "h", name: "hang", input: {} }])],
      textReply("ok"),
    ]);
    const agent = createAgent({ llm, tools: [hang], model: "m", clock });
    const started = waitFor(agent, (e) => e.type === "tool.started");
    const done = agent.send("go");
    await started;
    await Promise.resolve();
    expect(clock.pending()).toEqual([50]);
    clock.advance(50);
    await done;
    expect(signal?.aborted).toBe(true);
    expect(toolMessages(llm.requests[1]!.messages)[0]?.content).toBe(
      "TOOL_TIMEOUT: hang did not finish within 50 ms",
    );
  });
});

describe("tool context", () => {
  test("tools get the workspace root and, when configured, the oracle's client and model", async () => {
    const oracleLlm = createScriptedLlm([textReply("second opinion")]);
    const seen: ToolContext[] = [];
    const probe = tool("probe", async (_input, ctx) => {
      seen.push(ctx);
      return { output: "ok" };
    });
    const llm = createScriptedLlm([
      [completedEvent("", [{ id: "1", name: "probe", input: {} }])],
      textReply("done"),
    ]);
    const agent = createAgent({
      llm,
      tools: [probe],
      model: "m",
      workspaceRoot: "/w",
      oracle: { llm: oracleLlm, model: "oracle-model" },
    });
    await agent.send("go");
    expect(seen).toHaveLength(1);
    expect(seen[0]?.workspaceRoot).toBe("/w");
    expect(seen[0]?.llm).toBe(oracleLlm);
    expect(seen[0]?.oracleModel).toBe("oracle-model");
  });
});

describe("turn control", () => {
  test("a permanent error ends the turn with the user's message kept", async () => {
    const llm = createScriptedLlm([new LlmError("permanent", "invalid api key", { status: 401 })]);
    const agent = createAgent({ llm, tools: [], model: "m" });
    const events = record(agent);
    const r = await agent.send("hi");
    expect(r).toMatchObject({
      reason: "error",
      error: "invalid api key",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(events.find((e) => e.type === "llm.failed")).toMatchObject({ willRetry: false });
  });

  test("send while busy is a CONFLICT; shutdown ends the turn and later sends", async () => {
    const llm = createScriptedLlm([(signal) => hangUntilAborted(signal)]);
    const agent = createAgent({ llm, tools: [], model: "m" });
    const turn = agent.send("one");
    expect(agent.send("two")).rejects.toMatchObject({ code: "CONFLICT" });
    await agent.shutdown();
    expect(await turn).toMatchObject({ reason: "shutdown" });
    expect(llm.signals[0]?.aborted).toBe(true);
    expect(agent.send("three")).rejects.toThrow("the agent has shut down");
  });

  /** Streams `events`, then hangs until aborted. */
  function cutOff(events: LlmEvent[]): (signal: AbortSignal) => AsyncIterable<LlmEvent> {
    return async function* (signal) {
      yield* events;
      yield* hangUntilAborted(signal);
    };
  }

  test("cancel mid-reply: the text shown is kept, and the tokens the stream reported are counted", async () => {
    const llm = createScriptedLlm([
      cutOff([
        { type: "usage", usage: { inputTokens: 1200, outputTokens: 1 } },
        { type: "text.delta", text: "Half of an ans" },
      ]),
      textReply("the rest"),
    ]);
    const agent = createAgent({ llm, tools: [], model: "m" });
    const shown = waitFor(agent, (e) => e.type === "agent.text_delta");
    const turn = agent.send("explain");
    await shown;
    agent.cancel();
    const r = await turn;
    expect(r.reason).toBe("cancelled");
    expect(r.messages).toEqual([
      { role: "user", content: "explain" },
      { role: "assistant", content: "Half of an ans", interrupted: true },
    ]);
    // 14 characters received: output is estimated from them (the stream had reported only 1).
    expect(r.usage).toEqual({ inputTokens: 1200, outputTokens: 4, estimated: true });
    await agent.send("go on");
    expect(llm.requests[1]!.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
  });

  test("cancel before the stream reported usage: tokens are estimated from what was sent and shown", async () => {
    const llm = createScriptedLlm([cutOff([{ type: "text.delta", text: "12345678" }])]);
    const agent = createAgent({ llm, tools: [], model: "m", system: "s".repeat(4000) });
    const shown = waitFor(agent, (e) => e.type === "agent.text_delta");
    const turn = agent.send("hi");
    await shown;
    agent.cancel();
    const { usage } = await turn;
    expect(usage.estimated).toBe(true);
    expect(usage.outputTokens).toBe(2);
    expect(usage.inputTokens).toBeGreaterThanOrEqual(1000);
    expect(agent.snapshot().usage).toEqual(usage);
  });

  test("at the step limit the agent asks; yes goes on with a fresh budget, no ends the turn", async () => {
    const call = (id: string) => [completedEvent("", [{ id, name: "probe", input: {} }])];
    const llm = createScriptedLlm([call("1"), call("2"), call("3"), call("4")]);
    const asked: number[] = [];
    const agent = createAgent({
      llm,
      tools: [tool("probe", async () => ({ output: "ok" }))],
      model: "m",
      maxSteps: 2,
      continueAtStepLimit: async ({ steps }) => asked.push(steps) === 1,
    });
    const r = await agent.send("loop");
    expect(asked).toEqual([2, 2]);
    expect(llm.requests).toHaveLength(4);
    expect(r).toMatchObject({ reason: "error", error: "stopped after 2 model requests in one turn" });
  });

  test("without a continue question the turn stops at the limit; maxSteps 0 has none", async () => {
    const call = (id: string) => [completedEvent("", [{ id, name: "probe", input: {} }])];
    const probe = tool("probe", async () => ({ output: "ok" }));
    const limited = createScriptedLlm([call("1"), call("2")]);
    const r = await createAgent({ llm: limited, tools: [probe], model: "m", maxSteps: 1 }).send("loop");
    expect(r.reason).toBe("error");
    expect(limited.requests).toHaveLength(1);
    const script = [...Array.from({ length: 120 }, (_, i) => call(`${i}`)), textReply("done")];
    const unlimited = createScriptedLlm(script);
    const done = await createAgent({ llm: unlimited, tools: [probe], model: "m", maxSteps: 0 }).send("loop");
    expect(done.reason).toBe("end_turn");
    expect(unlimited.requests).toHaveLength(121);
  });

  test("resumes from existing messages", async () => {
    const llm = createScriptedLlm([textReply("welcome back")]);
    const history: Message[] = [
      { role: "user", content: "earlier" },
      { role: "assistant", content: "answer" },
    ];
    const agent = createAgent({ llm, tools: [], model: "m", messages: history });
    await agent.send("more");
    expect(llm.requests[0]!.messages).toEqual([...history, { role: "user", content: "more" }]);
    expect(agent.messages).toHaveLength(4);
  });
});

function hangUntilAborted(signal: AbortSignal): AsyncIterable<LlmEvent> {
  const aborted = new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  return failingStream(aborted, new LlmError("transient", "aborted"));
}
