import { describe, expect, test } from "bun:test";
import type { Tool } from "../tool.ts";
import { createAgent } from "./create-agent.ts";
import { completedEvent, createScriptedLlm, textReply } from "./scripted-llm.ts";
import type { AgentEvent } from "./types.ts";

function tool(name: string, invoke: Tool["invoke"], mutating = false): Tool {
  return { name, description: name, inputSchema: { type: "object" }, invoke, mutating };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("tool scheduling", () => {
  test("mutating calls run one at a time in call order, read-only calls alongside; permission asked in order", async () => {
    const log: string[] = [];
    const slowWrite = (name: string) =>
      tool(
        name,
        async () => {
          log.push(`${name} start`);
          await tick();
          await tick();
          log.push(`${name} end`);
          return { output: name };
        },
        true,
      );
    const read = tool("read", async () => {
      log.push("read");
      return { output: "r" };
    });
    const llm = createScriptedLlm([
      [
        completedEvent("", [
          { id: "w1", name: "write_a", input: {} },
          { id: "w2", name: "write_b", input: {} },
          { id: "r1", name: "read", input: {} },
        ]),
      ],
      textReply("ok"),
    ]);
    const asked: string[] = [];
    const agent = createAgent({
      llm,
      tools: [slowWrite("write_a"), slowWrite("write_b"), read],
      model: "m",
      permission: async (call) => {
        asked.push(call.id);
        return "allow";
      },
    });
    await agent.send("go");
    expect(asked).toEqual(["w1", "w2"]);
    expect(log.indexOf("write_a end")).toBeLessThan(log.indexOf("write_b start"));
    expect(log.indexOf("read")).toBeLessThan(log.indexOf("write_a end"));
  });

  test("progress reaches listeners while the tool runs", async () => {
    const llm = createScriptedLlm([
      [completedEvent("", [{ id: "p", name: "build", input: {} }])],
      textReply("ok"),
    ]);
    const build = tool("build", async (_input, ctx) => {
      ctx.onProgress?.({ message: "compiling" });
      ctx.onProgress?.({ message: "linking", data: { step: 2 } });
      return { output: "built" };
    });
    const agent = createAgent({ llm, tools: [build], model: "m" });
    const events: AgentEvent[] = [];
    agent.on((e) => events.push(e));
    await agent.send("build");
    const kinds = events.filter((e) => e.type.startsWith("tool.")).map((e) => e.type);
    expect(kinds).toEqual(["tool.started", "tool.progress", "tool.progress", "tool.completed"]);
    expect(events.find((e) => e.type === "tool.progress")).toEqual({
      type: "tool.progress",
      callId: "p",
      name: "build",
      progress: { message: "compiling" },
    });
  });

  test("cancel while a permission prompt is open aborts the prompt's signal and skips the tool", async () => {
    let promptSignal: AbortSignal | undefined;
    let ran = false;
    const llm = createScriptedLlm([[completedEvent("", [{ id: "w", name: "write", input: {} }])]]);
    const write = tool(
      "write",
      async () => {
        ran = true;
        return { output: "" };
      },
      true,
    );
    const agent = createAgent({
      llm,
      tools: [write],
      model: "m",
      permission: (_call, signal) => {
        promptSignal = signal;
        return new Promise((resolve) => signal.addEventListener("abort", () => resolve("deny")));
      },
    });
    const turn = agent.send("write");
    await tick();
    expect(promptSignal?.aborted).toBe(false);
    agent.cancel();
    const result = await turn;
    expect(promptSignal?.aborted).toBe(true);
    expect(ran).toBe(false);
    expect(result.reason).toBe("cancelled");
    expect(result.messages.at(-1)).toMatchObject({ role: "tool", toolCallId: "w", isError: true });
  });

  test("a listener that throws does not break the turn", async () => {
    const agent = createAgent({ llm: createScriptedLlm([textReply("hi")]), tools: [], model: "m" });
    agent.on(() => {
      throw new Error("render bug");
    });
    expect((await agent.send("x")).reason).toBe("end_turn");
  });
});

describe("tools that arrive later (MCP servers starting in the background)", () => {
  test("setTools: the next request offers the new tools and the machine treats them by their mutating flag", async () => {
    const llm = createScriptedLlm([
      textReply("no tools yet"),
      [completedEvent("", [{ id: "m1", name: "late", input: {} }])],
      textReply("done"),
    ]);
    const asked: string[] = [];
    const agent = createAgent({
      llm,
      tools: [],
      model: "m",
      permission: async (call) => {
        asked.push(call.name);
        return "allow";
      },
    });
    await agent.send("one");
    agent.setTools([tool("late", async () => ({ output: "late ok" }), true)]);
    await agent.send("two");
    expect(llm.requests[0]!.tools).toBeUndefined();
    expect(llm.requests[1]!.tools?.map((t) => t.name)).toEqual(["late"]);
    expect(asked).toEqual(["late"]);
    expect(JSON.stringify(llm.requests[2]!.messages)).toContain("late ok");
  });

  test("awaitTool: a call to a tool not known yet waits for it, then runs; still unknown is TOOL_NOT_FOUND", async () => {
    const llm = createScriptedLlm([
      [
        completedEvent("", [
          { id: "a", name: "srv__echo", input: {} },
          { id: "b", name: "nothing", input: {} },
        ]),
      ],
      textReply("done"),
    ]);
    let agent!: ReturnType<typeof createAgent>;
    const waited: string[] = [];
    agent = createAgent({
      llm,
      tools: [],
      model: "m",
      awaitTool: async (name) => {
        waited.push(name);
        await tick();
        if (name === "srv__echo") agent.setTools([tool("srv__echo", async () => ({ output: "echoed" }))]);
      },
    });
    const events: AgentEvent[] = [];
    agent.on((e) => events.push(e));
    await agent.send("go");
    expect(waited.sort()).toEqual(["nothing", "srv__echo"]);
    const results = events.flatMap((e) => (e.type === "tool.completed" ? [[e.callId, e.result]] : []));
    expect(Object.fromEntries(results)).toEqual({
      a: "echoed",
      b: 'TOOL_NOT_FOUND: no tool named "nothing". Available tools: srv__echo',
    });
  });
});
