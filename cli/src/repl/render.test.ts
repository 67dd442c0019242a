import { expect, test } from "bun:test";
import { createRenderer } from "./render.ts";
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
