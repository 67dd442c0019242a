/**
 * What the REPL reads its input through: the line editor on a terminal (line-editor.ts), Node's
 * readline when stdin is piped (no echo, no editing: one input per line). Both have readline's
 * shape (`prompt`, `setPrompt`, `line`, `SIGINT` and `close` events), so the REPL drives either.
 */
import { createInterface } from "node:readline";
import type { Key } from "./keys.ts";

export interface LineInput {
  prompt(preserveCursor?: boolean): void;
  setPrompt(prompt: string): void;
  on(event: "line", listener: (line: string) => void): void;
  /** `escape` and `expand` (Ctrl-O) come from the line editor only. */
  on(event: "SIGINT" | "close" | "escape" | "expand", listener: () => void): void;
  close(): void;
  /** Erases what the input drew, leaving the cursor where the prompt began (write above it, then `prompt(true)`). */
  clear(): void;
  /** Drops the half-typed text; true if there was some. */
  clearLine(): boolean;
  /** Routes keys to `reader` (a picker) until the returned function is called; undefined when piped. */
  takeKeys?(reader: (key: Key) => void): () => void;
}

export function readlineInput(opts: {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  history: string[];
  prompt: string;
  /** stdin is a terminal but stdout is not: readline still edits the line. */
  terminal: boolean;
}): LineInput {
  const rl = createInterface({
    input: opts.input,
    output: opts.output,
    terminal: opts.terminal,
    history: opts.history,
    historySize: 1000,
    prompt: opts.prompt,
  });
  const lineOf = rl as unknown as { line: string; cursor: number };
  return {
    prompt: (p) => rl.prompt(p),
    setPrompt: (p) => rl.setPrompt(p),
    on: (event: string, listener: (...a: never[]) => void) => {
      if (event !== "escape" && event !== "expand") rl.on(event, listener as (...a: unknown[]) => void);
    },
    close: () => rl.close(),
    clear: () => void opts.output.write("\r\x1b[K"),
    clearLine() {
      const had = lineOf.line.length > 0;
      lineOf.line = "";
      lineOf.cursor = 0;
      return had;
    },
  };
}
