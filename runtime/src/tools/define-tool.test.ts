import { describe, expect, spyOn, test } from "bun:test";
import { Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { LoomError } from "../errors.ts";
import type { ToolContext } from "../tool.ts";
import { definePlugin, defineTool } from "./define-tool.ts";

const ctx = (signal = new AbortController().signal): ToolContext => ({
  workspaceRoot: "/tmp",
  signal,
  callId: "c1",
});

const greet = defineTool({
  name: "greet",
  description: "Greets someone.",
  input: Type.Object({ name: Type.String(), times: Type.Optional(Type.Integer({ minimum: 1 })) }),
  mutating: false,
  timeoutMs: 1000,
  async invoke({ name, times }) {
    if (name === "loom") throw new LoomError("NOT_FOUND", "no such person");
    if (name === "boom") throw new Error("exploded\nwith a second line");
    return { output: `hello ${name}`.repeat(times ?? 1) };
  },
});

describe("defineTool", () => {
  test("exposes a plain JSON Schema and its options", () => {
    expect(greet.inputSchema).toEqual({
      type: "object",
      properties: { name: { type: "string" }, times: { type: "integer", minimum: 1 } },
      required: ["name"],
    });
    expect(Object.getOwnPropertySymbols(greet.inputSchema)).toHaveLength(0);
    expect(greet.mutating).toBe(false);
    expect(greet.timeoutMs).toBe(1000);
  });

  test("valid input reaches invoke", async () => {
    expect(await greet.invoke({ name: "ada", times: 2 }, ctx())).toEqual({ output: "hello adahello ada" });
  });

  test("invalid input becomes a TOOL_INPUT_INVALID result naming the field", async () => {
    const r = await greet.invoke({ name: 42 }, ctx());
    expect(r.isError).toBe(true);
    expect(r.output).toMatchObject({ code: "TOOL_INPUT_INVALID" });
    expect((r.output as { message: string }).message).toContain("/name");
    const r2 = await greet.invoke({ name: "x", times: 0 }, ctx());
    expect((r2.output as { message: string }).message).toContain("/times");
    const r3 = await greet.invoke(null, ctx());
    expect(r3.isError).toBe(true);
  });

  test("the input validator is compiled on the first call, once, and still rejects bad input", async () => {
    const compile = spyOn(TypeCompiler, "Compile");
    try {
      const tools = ["a", "b", "c"].map((name) =>
        defineTool({
          name,
          description: name,
          input: Type.Object({ n: Type.Integer({ minimum: 0 }) }),
          async invoke({ n }) {
            return { output: n };
          },
        }),
      );
      expect(compile).toHaveBeenCalledTimes(0);
      const [a] = tools as [(typeof tools)[0]];
      const bad = await a.invoke({ n: -1 }, ctx());
      expect(bad.isError).toBe(true);
      expect(bad.output).toMatchObject({ code: "TOOL_INPUT_INVALID" });
      expect((bad.output as { message: string }).message).toContain("/n");
      expect((await a.invoke({ n: "1" }, ctx())).isError).toBe(true);
      expect(await a.invoke({ n: 2 }, ctx())).toEqual({ output: 2 });
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      compile.mockRestore();
    }
  });

  test("thrown LoomErrors and plain errors become error results", async () => {
    expect(await greet.invoke({ name: "loom" }, ctx())).toEqual({
      output: { code: "NOT_FOUND", message: "no such person" },
      isError: true,
    });
    expect(await greet.invoke({ name: "boom" }, ctx())).toEqual({
      output: { code: "TOOL_FAILED", message: "exploded" },
      isError: true,
    });
  });

  test("an error after cancellation is reported as TOOL_CANCELLED", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await greet.invoke({ name: "boom" }, ctx(ac.signal));
    expect(r.output).toMatchObject({ code: "TOOL_CANCELLED" });
  });
});

describe("definePlugin", () => {
  test("stamps the source and rejects duplicate tool names", () => {
    const p = definePlugin({ name: "hello", version: "1.0.0", tools: [greet] });
    expect(p.tools[0]?.source).toBe("hello");
    expect(() => definePlugin({ name: "dup", version: "1.0.0", tools: [greet, greet] })).toThrow(/twice/);
  });
});
