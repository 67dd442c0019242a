import { expect, test } from "bun:test";
import { editDiff, threadRows, unifiedDiff } from "./thread-items.ts";

test("turns count user messages; results join their call; an orphan result stays a row", () => {
  const rows = threadRows([
    { role: "user", content: "a" },
    { role: "assistant", content: "b", toolCalls: [{ id: "1", name: "bash", input: { command: "ls" } }] },
    { role: "tool", toolCallId: "1", name: "bash", content: "x", isError: true },
    { role: "tool", toolCallId: "9", name: "bash", content: "orphan" },
    { role: "user", content: "c" },
  ]);
  expect(rows.map((r) => [r.role, r.turn])).toEqual([
    ["user", 1],
    ["assistant", 1],
    ["tool", 1],
    ["user", 2],
  ]);
  const a = rows[1];
  if (a?.role !== "assistant") throw new Error("expected an assistant row");
  expect(a.tools[0]).toMatchObject({ name: "bash", output: "x", isError: true });
});

test("edit inputs and unified diffs become diff lines; other text does not", () => {
  expect(editDiff({ path: "f.ts", edits: [{ old: "a\nb", new: "c" }] })).toEqual([
    { kind: "file", text: "f.ts" },
    { kind: "del", text: "a" },
    { kind: "del", text: "b" },
    { kind: "add", text: "c" },
  ]);
  expect(editDiff({ command: "ls" })).toBeUndefined();
  expect(unifiedDiff("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y")?.map((l) => l.kind)).toEqual([
    "file",
    "file",
    "ctx",
    "del",
    "add",
  ]);
  expect(unifiedDiff("plain output\n- a list item")).toBeUndefined();
});
