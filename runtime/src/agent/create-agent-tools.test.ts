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
