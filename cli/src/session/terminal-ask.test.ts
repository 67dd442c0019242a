import { expect, test } from "bun:test";
import { createStyle } from "../repl/style.ts";
import { permissionPreview, permissionQuestion } from "./terminal-ask.ts";

test("the permission question and its preview show the model's call without its escape sequences", () => {
  const call = {
    id: "c1",
    name: "bash\x1b]0;x\x07",
    input: { command: "rm -rf / \x1b[8m# harmless\x1b[28m" },
  };
  const q = permissionQuestion(call);
  expect(q).toBe("Allow bash rm -rf / # harmless? [y]es / [n]o / [a]lways for bash ");
  const edit = {
    id: "c2",
    name: "edit_file",
    input: { path: "a.ts", edits: [{ old: "x", new: "y\x1b[2J" }] },
  };
  const preview = permissionPreview(edit, createStyle(false), { fileBefore: "x\x1b]52;c;eA==\x07\n" }).join(
    "\n",
  );
  expect(preview).not.toContain("\x1b");
  expect(preview).not.toContain("\x07");
});
