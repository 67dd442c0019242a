import { expect, test } from "bun:test";
import { callPreview, editDiff, formatDuration, keyArgument } from "./tool-display.ts";

test("key argument picks the field that names the target", () => {
  expect(keyArgument({ path: "src/a.ts", start_line: 3 })).toBe("src/a.ts");
  expect(keyArgument({ command: "bun   test\n--watch" })).toBe("bun test --watch");
  expect(keyArgument({ other: 1 })).toBe("");
  expect(keyArgument({ command: "x".repeat(100) }, 10)).toHaveLength(10);
});

test("edit diff shows only changed lines, for one edit or a list", () => {
  const one = { path: "a", edits: [{ old: "a\nb\nc", new: "a\nB\nc" }] };
  expect(editDiff(one)).toEqual(["- b", "+ B"]);
  expect(editDiff({ path: "a", edits: [{ old: "", new: "new file" }] })).toEqual(["+ new file"]);
  expect(editDiff({ command: "ls" })).toBeUndefined();
  const big = { edits: [{ old: "", new: Array.from({ length: 50 }, (_, i) => `l${i}`).join("\n") }] };
  expect(editDiff(big, 5)?.at(-1)).toBe("… 45 more lines");
});

test("durations read naturally", () => {
  expect(formatDuration(12)).toBe("12 ms");
  expect(formatDuration(1500)).toBe("1.5 s");
  expect(formatDuration(125_000)).toBe("2 min 5 s");
});

test("a permission preview shows an edit's diff, a new file's content, or a command the question cannot show whole", () => {
  expect(callPreview({ path: "a", edits: [{ old: "draft", new: "final" }] })).toEqual(["- draft", "+ final"]);
  expect(callPreview({ path: "n", edits: [{ old: "", new: "one\ntwo" }] })).toEqual(["+ one", "+ two"]);
  // A short one-line command is in the question itself.
  expect(callPreview({ command: "bun test" })).toEqual([]);
  expect(callPreview({ command: "cd web &&\nbun run build" })).toEqual(["$ cd web &&", "  bun run build"]);
  const script = Array.from({ length: 14 }, (_, i) => `echo ${i}`).join("\n");
  const shown = callPreview({ command: script });
  expect(shown).toHaveLength(11);
  expect(shown.at(-1)).toBe("… 4 more lines");
  expect(callPreview({ command: "x".repeat(500) })[0]).toHaveLength(200);
  expect(callPreview({ path: "a" })).toEqual([]);
});
