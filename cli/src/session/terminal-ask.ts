/** Asks about a mutating tool call on the terminal (stderr + stdin), for headless runs at a TTY. */
import { createInterface } from "node:readline";
import type { ToolCall } from "@loom/runtime/llm";
import type { Tool } from "@loom/runtime/tool";
import { keyArgument } from "../repl/tool-display.ts";
import type { AskAnswer } from "./permissions.ts";

export function parseAnswer(s: string): AskAnswer | undefined {
  const a = s.trim().toLowerCase();
  if (a === "y" || a === "yes") return "yes";
  if (a === "a" || a === "always") return "always";
  if (a === "n" || a === "no" || a === "") return "no";
  return undefined;
}

export function permissionQuestion(call: ToolCall): string {
  const arg = keyArgument(call.input);
  return `Allow ${call.name}${arg ? ` ${arg}` : ""}? [y]es / [n]o / [a]lways for ${call.name} `;
}

export async function askOnTerminal(call: ToolCall, _tool: Tool | undefined): Promise<AskAnswer> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    for (let i = 0; i < 5; i++) {
      const answer = parseAnswer(
        await new Promise<string>((resolve) => rl.question(permissionQuestion(call), resolve)),
      );
      if (answer) return answer;
    }
    return "no";
  } finally {
    rl.close();
  }
}
