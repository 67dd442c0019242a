import { expect, test } from "bun:test";
import { refusedCalls } from "./refused-calls.ts";

const done = (name: string, result: string, isError = true) =>
  ({ type: "tool.completed", callId: "c", name, result, isError, durationMs: 1 }) as const;

test("counts only PERMISSION_DENIED results, and names the tools and the first reason", () => {
  const r = refusedCalls();
  r.event(done("read_file", "hello", false));
  r.event(done("bash", "TOOL_FAILED: exit 1"));
  expect(r.count).toBe(0);
  r.event(done("edit_file", "PERMISSION_DENIED: edit_file changes the workspace. Rerun with auto.\nmore"));
  r.event(done("edit_file", "PERMISSION_DENIED: again"));
  r.event(done("bash", "PERMISSION_DENIED: permission denied by user"));
  expect(r.count).toBe(3);
  expect(r.summary()).toBe(
    "the model finished, but 3 tool calls were refused permission (edit_file ×2, bash), so the task may not be done. PERMISSION_DENIED: edit_file changes the workspace. Rerun with auto.",
  );
});
