import { afterAll, describe, expect, test } from "bun:test";
import { createTestWorkspace } from "./_test-workspace.ts";
import { READ_CAP_BYTES, readFileTool } from "./read-file.ts";

const big = `${"x".repeat(1023)}\n`.repeat(1100); // 1100 KiB
const ws = createTestWorkspace({
  "a.txt": "one\ntwo\nthree\nfour\n",
  "empty.txt": "",
  "big.txt": big,
  "bin.dat": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]),
  "dir/inner.txt": "inner",
});
afterAll(() => ws.dispose());
const read = (input: unknown) => readFileTool.invoke(input, ws.ctx());

describe("read_file", () => {
  test("reads a whole file", async () => {
    expect(await read({ path: "a.txt" })).toEqual({
      output: { path: "a.txt", content: "one\ntwo\nthree\nfour\n", size: 19, truncated: false },
    });
  });

  test("reads a line range and clamps the end", async () => {
    const r = await read({ path: "a.txt", start_line: 2, end_line: 3 });
    expect(r.output).toMatchObject({ content: "two\nthree\n", start_line: 2, end_line: 3, total_lines: 4 });
    const r2 = await read({ path: "a.txt", start_line: 4, end_line: 99 });
    expect(r2.output).toMatchObject({ content: "four\n", end_line: 4, truncated: false });
  });

  test("a range past the end is an error result", async () => {
    const r = await read({ path: "a.txt", start_line: 9 });
    expect(r.isError).toBe(true);
    expect(r.output).toMatchObject({ code: "INVALID_INPUT" });
  });

  test("caps output at 1 MiB on a line boundary and flags it", async () => {
    const r = await read({ path: "big.txt" });
    const out = r.output as { content: string; truncated: boolean; size: number };
    expect(out.truncated).toBe(true);
    expect(out.size).toBe(big.length);
    expect(out.content.length).toBe(READ_CAP_BYTES);
    expect(out.content.endsWith("\n")).toBe(true);
    const ranged = (await read({ path: "big.txt", start_line: 1, end_line: 1100 })).output as {
      truncated: boolean;
      end_line: number;
    };
    expect(ranged.truncated).toBe(true);
    expect(ranged.end_line).toBe(1024);
  });

  test("detects binary files", async () => {
    expect((await read({ path: "bin.dat" })).output).toEqual({ path: "bin.dat", binary: true, size: 8 });
  });

  test("empty files, directories and missing files", async () => {
    expect((await read({ path: "empty.txt" })).output).toMatchObject({ content: "", truncated: false });
    expect((await read({ path: "dir" })).output).toMatchObject({ code: "INVALID_INPUT" });
    expect((await read({ path: "nope.txt" })).output).toMatchObject({ code: "NOT_FOUND" });
  });

  test("rejects invalid input", async () => {
    const r = await read({ path: "a.txt", start_line: 0 });
    expect(r.output).toMatchObject({ code: "TOOL_INPUT_INVALID" });
  });
});

describe("read_file and special files", () => {
  test("a FIFO is refused instead of blocking", async () => {
    expect(Bun.spawnSync(["mkfifo", `${ws.root}/pipe.fifo`]).exitCode).toBe(0);
    expect((await read({ path: "pipe.fifo" })).output).toMatchObject({ code: "INVALID_INPUT" });
  });
});
