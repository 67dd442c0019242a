import { expect, test } from "bun:test";
import { unknownDisabledTools } from "./disabled-tools.ts";

const tools = [{ name: "bash" }, { name: "grep" }, { name: "read_file" }];

test("unknown names in tools.disabled are one warning line, with the nearest tool", () => {
  expect(unknownDisabledTools(["bsh", "grep", "zzz"], tools)).toEqual([
    'tools.disabled: no tool named "bsh" (did you mean bash?), "zzz"; see `loom tools list`',
  ]);
  expect(unknownDisabledTools(["bash"], tools)).toEqual([]);
  expect(unknownDisabledTools([], tools)).toEqual([]);
});
