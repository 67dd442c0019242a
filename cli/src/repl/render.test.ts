import { expect, test } from "bun:test";
import type { ToolOutput } from "./expand-output.ts";
import { createRenderer, type RenderOptions } from "./render.ts";
import { createStyle } from "./style.ts";

function rendered(events: Parameters<ReturnType<typeof createRenderer>["event"]>[0][]): string {
  const out: string[] = [];
  const r = createRenderer({ write: (s) => out.push(s) }, createStyle(false));
  for (const e of events) r.event(e);
  return out.join("");
}

const started = (input: unknown) => ({ type: "tool.started", callId: "c", name: "bash", input }) as const;
const completed = (result: unknown, isError = false) =>
  ({
    type: "tool.completed",
    callId: "c",
    name: "bash",
    result: typeof result === "string" ? result : JSON.stringify(result),
    isError,
    durationMs: 1200,
  }) as const;

test("a command shows the tail of its output when it ends", () => {
  const stdout = `${Array.from({ length: 12 }, (_, i) => `test ${i} ok`).join("\n")}\n`;
  const out = rendered([started({ command: "bun test" }), completed({ exit_code: 0, stdout, stderr: "" })]);
  expect(out).toBe(
    [
      "→ bash bun test",
      "✓ bash bun test (1.2 s)",
      "  │ … 4 earlier lines",
      ...Array.from({ length: 8 }, (_, i) => `  │ test ${i + 4} ok`),
      "",
    ].join("\n"),
  );
});

test("a command that failed is marked, says how it ended, and shows its last lines", () => {
  const out = rendered([
    started({ command: "make" }),
    completed({ exit_code: 2, stdout: "", stderr: "make: *** no rule\n" }),
  ]);
  expect(out).toContain("✗ bash make (1.2 s) · exit code 2\n  │ make: *** no rule\n");
});

test("a refused or cancelled command is one error line, as for any tool", () => {
  const out = rendered([started({ command: "rm -rf x" }), completed("PERMISSION_DENIED: no\nmore", true)]);
  expect(out).toBe("→ bash rm -rf x\n✗ bash rm -rf x (1.2 s)\n  PERMISSION_DENIED: no\n");
});

function renderedWith(
  options: RenderOptions,
  events: Parameters<ReturnType<typeof createRenderer>["event"]>[0][],
) {
  const out: string[] = [];
  const r = createRenderer({ write: (s) => out.push(s) }, createStyle(false), undefined, undefined, options);
  for (const e of events) r.event(e);
  return { out, r };
}
const delta = (text: string) => ({ type: "agent.text_delta", text }) as const;
const ended = {
  type: "turn.completed",
  result: { reason: "end_turn", text: "", usage: { inputTokens: 0, outputTokens: 0 } },
} as unknown as Parameters<ReturnType<typeof createRenderer>["event"]>[0];
/** A stand-in layout that shows where each block starts and ends. */
const brackets: RenderOptions = { markdown: () => (src) => [`[${src.replace(/\n/g, "⏎")}]`] };

test("with Markdown on, text is shown a block at a time as each completes, never redrawn", () => {
  const { out, r } = renderedWith(brackets, [delta("# Ti"), delta("tle\nfirst para"), delta("graph\n")]);
  expect(out).toEqual(["[# Title]\n"]);
  r.event(delta("\nsecond"));
  expect(out).toEqual(["[# Title]\n", "[first paragraph]\n"]);
  // The turn's end shows the rest; the blank line of the source is kept between the blocks.
  r.event(ended);
  expect(out.join("")).toBe("[# Title]\n[first paragraph]\n\n[second]\n");
});

test("text held back is shown before a tool line, so the order is the model's", () => {
  const { out } = renderedWith(brackets, [delta("Let me look."), started({ command: "ls" })]);
  expect(out.join("")).toBe("[Let me look.]\n→ bash ls\n");
});

test("without Markdown (not a terminal) the text is written as it streams", () => {
  const { out } = renderedWith({ markdown: () => undefined }, [delta("# Ti"), delta("tle\n")]);
  expect(out).toEqual(["# Ti", "tle\n"]);
});

test("a cut tail says how to see it all, and each call's whole output is handed on", () => {
  const outputs: ToolOutput[] = [];
  const stdout = `${Array.from({ length: 12 }, (_, i) => `line ${i}`).join("\n")}\n`;
  const { out } = renderedWith({ onOutput: (o) => outputs.push(o), expandHint: "/expand shows all" }, [
    started({ command: "seq" }),
    completed({ exit_code: 0, stdout, stderr: "" }),
  ]);
  expect(out.join("")).toContain("  │ … 4 earlier lines (/expand shows all)\n  │ line 4\n");
  expect(outputs).toEqual([{ name: "bash", arg: "seq", text: stdout }]);
});

test("an edit's diff is numbered from the file as it was when the call started", () => {
  const input = { path: "a.txt", edits: [{ old: "two", new: "TWO" }] };
  let file = "one\ntwo\n";
  const out: string[] = [];
  const r = createRenderer({ write: (s) => out.push(s) }, createStyle(false), undefined, undefined, {
    readFile: (p) => (p === "a.txt" ? file : undefined),
  });
  r.event({ type: "tool.started", callId: "e", name: "edit_file", input });
  file = "one\nTWO\n";
  r.event({
    type: "tool.completed",
    callId: "e",
    name: "edit_file",
    result: "{}",
    isError: false,
    durationMs: 5,
  });
  expect(out.join("")).toBe("→ edit_file a.txt\n✓ edit_file a.txt (5 ms)\n  2 - two\n  2 + TWO\n");
});

test("escape sequences from the model, its calls, tool output and errors never reach the terminal", () => {
  const ESC = "\x1b";
  const out = rendered([
    delta(`hi ${ESC}]52;c;cHduZWQ=\x07there ${ESC}[2J`),
    {
      type: "tool.started",
      callId: "c",
      name: `bash${ESC}]0;t\x07`,
      input: { command: `ls ${ESC}[8mhidden` },
    },
    completed({ exit_code: 0, stdout: `10%\r50%\r100%${ESC}]8;;https://x\x07 done\r\n`, stderr: "" }),
    started({ path: "a.ts" }),
    completed(`NOT_FOUND: ${ESC}[31mno\x9b2J`, true),
    { type: "agent.error", source: "llm", message: `boom${ESC}[H` },
    { type: "session.notice", level: "warn", message: `plugin ${ESC}]0;x\x07warned` },
  ]);
  expect(out).not.toContain(ESC);
  expect(out).not.toContain("\x07");
  expect(out).not.toContain("\x9b");
  expect(out).not.toContain("\r");
  expect(out).toContain("hi there");
  expect(out).toContain("→ bash ls hidden");
  // A progress line shows what a terminal would have left of it.
  expect(out).toContain("  │ 100% done");
  expect(out).toContain("NOT_FOUND: no2J");
  expect(out).toContain("error: boom");
});

test("with Markdown on, the model's escape sequences are gone and Loom's own colours stay", () => {
  const out: string[] = [];
  const r = createRenderer({ write: (s) => out.push(s) }, createStyle(true), undefined, undefined, {
    markdown: () => (source) => [`\x1b[1m${source.trim()}\x1b[22m`],
  });
  r.event(delta("**b**\x1b]52;c;eA==\x07 text\n\n"));
  r.event({ type: "turn.completed", result: { reason: "end_turn" } } as never);
  expect(out.join("")).toBe("\x1b[1m**b** text\x1b[22m\n");
});
