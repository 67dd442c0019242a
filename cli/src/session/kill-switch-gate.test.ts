import { expect, test } from "bun:test";
import type { LlmClient, LlmResponse } from "@loom/runtime/llm";
import { flagKeyWord, modelSwitchKey, toolSwitchKey } from "@loom/runtime/sync/kill-switches";
import type { Tool } from "@loom/runtime/tool";
import { describeSwitch, gateWith } from "./kill-switch-gate.ts";

test("tool and model names become one flag-key word", () => {
  expect(toolSwitchKey("read_file")).toBe("tool.read_file.disabled");
  expect(toolSwitchKey("mcp__GitHub__create-issue")).toBe("tool.mcp__github__create_issue.disabled");
  expect(modelSwitchKey("claude-sonnet-4-6")).toBe("model.claude_sonnet_4_6.disabled");
  expect(modelSwitchKey("gpt-4.1")).toBe("model.gpt_4_1.disabled");
  expect(flagKeyWord("4o")).toBe("x4o");
});

test("only tool and model switches make notices", () => {
  expect(describeSwitch({ key: "tool.bash.disabled", active: true, reason: "r" })).toBe(
    "your team turned off tool bash (kill switch tool.bash.disabled) (reason: r); calls to it are refused",
  );
  expect(describeSwitch({ key: "model.x.disabled", active: false, reason: null })).toBe(
    "kill switch model.x.disabled is off again: model x can be used",
  );
  expect(describeSwitch({ key: "ops.checkout", active: true, reason: null })).toBeUndefined();
});

test("the gate refuses a switched-off tool or model at call time, and lets it through once off", async () => {
  const on = new Set<string>();
  const gate = gateWith({
    active: (k) => (on.has(k) ? { key: k, active: true, reason: "incident" } : undefined),
  });
  let ran = 0;
  const tool = gate.wrapTool({
    name: "bash",
    description: "",
    inputSchema: {},
    invoke: async () => {
      ran++;
      return { output: "ran" };
    },
  } as unknown as Tool);
  const answer: LlmResponse = {
    model: "m",
    message: { role: "assistant", content: "ok" },
    usage: { inputTokens: 1, outputTokens: 1 },
    finishReason: "end_turn",
  };
  const llm = gate.wrapLlm({
    provider: "p",
    complete: async () => answer,
    async *stream() {
      yield { type: "completed", response: answer };
    },
  } as LlmClient);
  const ctx = {} as Parameters<Tool["invoke"]>[1];
  expect(await tool.invoke({}, ctx)).toEqual({ output: "ran" });
  on.add("tool.bash.disabled");
  on.add("model.m_1.disabled");
  const refused = await tool.invoke({}, ctx);
  expect(refused.isError).toBe(true);
  expect(refused.output).toStartWith(
    "TOOL_DISABLED: bash is turned off by your team's kill switch tool.bash.disabled (reason: incident)",
  );
  expect(ran).toBe(1);
  await expect(llm.complete({ model: "m-1", messages: [] })).rejects.toThrow(
    "model m-1 is turned off by your team's kill switch model.m_1.disabled (reason: incident)",
  );
  const events = async () => {
    for await (const _ of llm.stream({ model: "m-1", messages: [] })) {
      // drained
    }
  };
  await expect(events()).rejects.toThrow("kill switch model.m_1.disabled");
  on.clear();
  expect((await llm.complete({ model: "m-1", messages: [] })).message.content).toBe("ok");
});
