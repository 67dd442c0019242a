import { expect, test } from "bun:test";
import { commandOutput, outputTail } from "./command-output.ts";

test("bash's result: stdout then stderr, and how it ended when not a plain exit 0", () => {
  const ok = JSON.stringify({
    exit_code: 0,
    stdout: "built\n",
    stderr: "warn\n",
    timed_out: false,
    cancelled: false,
  });
  expect(commandOutput(ok)).toEqual({ text: "built\nwarn\n" });
  expect(commandOutput(JSON.stringify({ exit_code: 2, stdout: "", stderr: "no such file" }))).toEqual({
    text: "no such file",
    failure: "exit code 2",
  });
  expect(commandOutput(JSON.stringify({ exit_code: null, timed_out: true, stdout: "" })).failure).toBe(
    "timed out",
  );
  expect(commandOutput(JSON.stringify({ exit_code: null, signal: "SIGKILL", stdout: "" })).failure).toBe(
    "killed by SIGKILL",
  );
  expect(commandOutput("plain text {")).toEqual({ text: "plain text {" });
});

test("the tail: last lines, a note of how many came before, long lines cut", () => {
  const text = `${Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n")}\n\n`;
  expect(outputTail(text, 3)).toEqual(["… 17 earlier lines", "line 17", "line 18", "line 19"]);
  expect(outputTail("one\ntwo", 8)).toEqual(["one", "two"]);
  expect(outputTail("  \n", 8)).toEqual([]);
  expect(outputTail("x".repeat(300))[0]).toHaveLength(200);
});
