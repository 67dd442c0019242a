import { expect, test } from "bun:test";
import { replArgv } from "./global-flags.ts";

test("no command, or only session flags, means the REPL", () => {
  expect(replArgv([])).toEqual(["repl"]);
  expect(replArgv(["--model", "gpt-5"])).toEqual(["repl", "--model", "gpt-5"]);
  expect(replArgv(["--workspace=/w", "--permission-mode", "auto"])).toEqual([
    "repl",
    "--workspace=/w",
    "--permission-mode",
    "auto",
  ]);
});

test("anything else is left for the command table", () => {
  expect(replArgv(["run", "x"])).toEqual(["run", "x"]);
  expect(replArgv(["--help"])).toEqual(["--help"]);
  expect(replArgv(["--model", "m", "threads"])).toEqual(["--model", "m", "threads"]);
});
