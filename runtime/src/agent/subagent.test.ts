import { describe, expect, test } from "bun:test";
import type { LlmEvent } from "../llm.ts";
import type { Tool, ToolContext, ToolProgress } from "../tool.ts";
import { completedEvent, createScriptedLlm, textReply } from "./scripted-llm.ts";
import { createTaskTool } from "./subagent.ts";

const tool = (name: string, mutating = false): Tool => ({
  name,
  description: name,
  inputSchema: { type: "object" },
  mutating,
  invoke: async () => ({ output: `${name} output` }),
});

const ctx = (progress: ToolProgress[] = [], signal = new AbortController().signal): ToolContext => ({
  workspaceRoot: "/w",
  signal,
  callId: "t1",
  onProgress: (p) => progress.push(p),
});

describe("task tool", () => {
  test("runs a sub-conversation with its own context and only read-only tools; returns its summary", async () => {
    const llm = createScriptedLlm([
      [completedEvent("", [{ id: "s1", name: "read_file", input: { path: "a.ts" } }])],
      textReply("a.ts exports add()"),
    ]);
    const usage: number[] = [];
    const task = createTaskTool({
      llm,
      model: () => "m",
      system: () => "MAIN SYSTEM",
      tools: () => [tool("read_file"), tool("edit_file", true), tool("task")],
      maxParallel: 2,
      maxSteps: 5,
      onUsage: (u) => usage.push(u.inputTokens),
    });
    const progress: ToolProgress[] = [];
    const r = await task.invoke({ description: "find add", prompt: "Where is add defined?" }, ctx(progress));
    expect(r).toEqual({ output: "a.ts exports add()" });
    expect(llm.requests[0]?.messages).toEqual([{ role: "user", content: "Where is add defined?" }]);
    expect(llm.requests[0]?.system).toStartWith("MAIN SYSTEM\n\n# Sub-task");
    expect(llm.requests[0]?.tools?.map((t) => t.name)).toEqual(["read_file"]);
    expect(usage).toEqual([100, 100]);
    const sub = progress.flatMap((p) =>
      (p.data as { subagent?: { type: string } })?.subagent ? [p.message] : [],
    );
    expect(sub).toEqual(["→ read_file a.ts", "✓ read_file"]);
  });

  test("at most maxParallel sub-conversations run at once; the others wait for a slot", async () => {
    let active = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const started: Array<() => void> = [];
    const waitStarted = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (gates.length >= n ? resolve() : started.push(check));
        check();
      });
    const blocking = (text: string) =>
      async function* (): AsyncIterable<LlmEvent> {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((go) => {
          gates.push(go);
          for (const s of started.splice(0)) s();
        });
        active--;
        yield* textReply(text);
      };
    const llm = createScriptedLlm([blocking("one"), blocking("two"), blocking("three")]);
    const task = createTaskTool({
      llm,
      model: () => "m",
      system: () => "",
      tools: () => [tool("grep")],
      maxParallel: 2,
      maxSteps: 5,
    });
    const runs = ["a", "b", "c"].map((p) => task.invoke({ description: p, prompt: p }, ctx()));
    await waitStarted(2);
    expect(llm.requests).toHaveLength(2);
    gates[0]?.();
    await waitStarted(3);
    expect(llm.requests).toHaveLength(3);
    gates[1]?.();
    gates[2]?.();
    const outputs = (await Promise.all(runs)).map((r) => r.output);
    expect(outputs.sort()).toEqual(["one", "three", "two"]);
    expect(peak).toBe(2);
  });

  test("a tool the sub-agent may not have is refused; a cancel ends the sub-conversation", async () => {
    const task = createTaskTool({
      llm: createScriptedLlm([
        (signal) => ({
          [Symbol.asyncIterator]: () => ({
            next: () =>
              new Promise((_, reject) =>
                signal.addEventListener("abort", () => reject(new Error("aborted"))),
              ),
          }),
        }),
      ]),
      model: () => "m",
      system: () => "",
      tools: () => [tool("grep"), tool("bash", true)],
      maxParallel: 1,
      maxSteps: 5,
    });
    const refused = await task.invoke({ description: "x", prompt: "x", tools: ["bash"] }, ctx());
    expect(refused.isError).toBe(true);
    expect(String(refused.output)).toContain("not read-only tools a sub-agent may use: bash");
    const stop = new AbortController();
    const running = task.invoke({ description: "x", prompt: "x" }, ctx([], stop.signal));
    await Promise.resolve();
    stop.abort();
    expect(await running).toEqual({ output: "TOOL_CANCELLED: cancelled", isError: true });
  });
});
