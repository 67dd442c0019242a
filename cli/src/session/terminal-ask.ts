/** Asks about a mutating tool call on the terminal (stderr + stdin), for headless runs at a TTY. */
import { createInterface } from "node:readline";
import type { ToolCall } from "@loom/runtime/llm";
import type { Tool } from "@loom/runtime/tool";
import { type Highlighter, renderDiff } from "../repl/diff-view.ts";
import { createStyle, type Style } from "../repl/style.ts";
import { callPreview, keyArgument, styleDiffLine } from "../repl/tool-display.ts";
import { stderrStream } from "../std-out.ts";
import { terminalSafe, terminalSafeDeep } from "../terminal-safe.ts";
import type { AskAnswer } from "./permissions.ts";

export function parseAnswer(s: string): AskAnswer | undefined {
  const a = s.trim().toLowerCase();
  if (a === "y" || a === "yes") return "yes";
  if (a === "a" || a === "always") return "always";
  if (a === "n" || a === "no" || a === "") return "no";
  return undefined;
}

/** The model's call as the terminal may show it (no escape sequences of its own). */
const shown = (call: ToolCall): ToolCall => ({
  ...call,
  name: terminalSafe(call.name),
  input: terminalSafeDeep(call.input),
});

export function permissionQuestion(call: ToolCall): string {
  const { name, input } = shown(call);
  const arg = keyArgument(input);
  return `Allow ${name}${arg ? ` ${arg}` : ""}? [y]es / [n]o / [a]lways for ${name} `;
}

/** What a preview can show beyond the call itself: the edited file as it is now, a highlighter. */
export interface PreviewView {
  fileBefore?: string | undefined;
  highlight?: Highlighter | undefined;
}

/**
 * The lines shown above a permission question (indented): an edit's diff (numbered when the file's
 * text is given), or a command the question line cannot show whole.
 */
export function permissionPreview(call: ToolCall, style: Style, view: PreviewView = {}): string[] {
  const { input } = shown(call);
  const before = view.fileBefore === undefined ? undefined : terminalSafe(view.fileBefore);
  const diff = renderDiff(input, before, style, view.highlight);
  if (diff) return diff.map((l) => `  ${l}`);
  return callPreview(input).map((d) => `  ${styleDiffLine(d, style)}`);
}

export async function askOnTerminal(
  call: ToolCall,
  _tool: Tool | undefined,
  style: Style = createStyle(false),
): Promise<AskAnswer> {
  for (const line of permissionPreview(call, style)) stderrStream().write(`${line}\n`);
  const rl = createInterface({ input: process.stdin, output: stderrStream(), terminal: true });
  let interrupted = false;
  try {
    for (let i = 0; i < 5 && !interrupted; i++) {
      const raw = await new Promise<string>((resolve) => {
        // Ctrl-C at the question: refuse, then let the process's SIGINT handling cancel the turn.
        rl.once("SIGINT", () => {
          interrupted = true;
          stderrStream().write("\n");
          resolve("n");
        });
        rl.question(permissionQuestion(call), resolve);
      });
      const answer = parseAnswer(raw);
      if (answer) return answer;
    }
    return "no";
  } finally {
    rl.close();
    if (interrupted) process.kill(process.pid, "SIGINT");
  }
}

/** A yes/no question on the terminal (stderr + stdin); anything but y/yes (or Ctrl-C) is no. */
export async function askYesNoOnTerminal(lines: string[], question: string): Promise<boolean> {
  for (const line of lines) process.stderr.write(`${line}\n`);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    const raw = await new Promise<string>((resolve) => {
      rl.once("SIGINT", () => {
        process.stderr.write("\n");
        resolve("n");
      });
      rl.question(question, resolve);
    });
    return /^y(es)?$/i.test(raw.trim());
  } finally {
    rl.close();
  }
}
