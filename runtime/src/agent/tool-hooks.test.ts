import { expect, test } from "bun:test";
import type { Tool } from "../tool.ts";
import { systemClock } from "./clock.ts";
import { type RunToolDeps, runToolCall } from "./run-tool.ts";

const edit: Tool = {
  name: "edit_file",
  description: "edit",
  inputSchema: { type: "object" },
  mutating: true,
  invoke: async () => ({ output: "edited" }),
};

function deps(extra: Partial<RunToolDeps>): RunToolDeps {
  return {
    tools: new Map([[edit.name, edit]]),
    clock: systemClock,
    defaultTimeoutMs: 5_000,
    workspaceRoot: "/w",
    signal: new AbortController().signal,
    onInvoke() {},
    onProgress() {},
    ...extra,
  };
}

const call = { id: "c1", name: "edit_file", input: { path: "a" } };

test("beforeTool refuses a call before its permission question; afterTool adds to the result", async () => {
  const asked: string[] = [];
  const permission: RunToolDeps["permission"] = async (c) => {
    asked.push(c.id);
    return "allow";
  };
  const blocked = await runToolCall(call, deps({ permission, beforeTool: async () => "not here" }));
  expect(blocked).toEqual({ content: "BLOCKED_BY_HOOK: not here", isError: true });
  expect(asked).toEqual([]);
  const ran = await runToolCall(
    call,
    deps({ permission, beforeTool: async () => undefined, afterTool: async (_c, r) => `saw ${r.content}` }),
  );
  expect(ran).toEqual({ content: "edited\n\n[hook] saw edited", isError: false });
  expect(asked).toEqual(["c1"]);
  // A hook that throws objects to nothing.
  const thrown = await runToolCall(
    call,
    deps({
      beforeTool: () => Promise.reject(new Error("boom")),
      afterTool: () => Promise.reject(new Error("boom")),
    }),
  );
  expect(thrown).toEqual({ content: "edited", isError: false });
});

test("a permission check may refuse with its own reason", async () => {
  const r = await runToolCall(call, deps({ permission: async () => ({ deny: "plan mode: no edits" }) }));
  expect(r).toEqual({ content: "PERMISSION_DENIED: plan mode: no edits", isError: true });
});
