/** REPL history in `$XDG_STATE_HOME/loom/history`, one entry per line, oldest first. */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

const MAX = 1000;

/** Newest first, as readline's `history` option wants it. */
export function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).slice(-MAX).reverse();
  } catch {
    return [];
  }
}

export function appendHistory(file: string, entry: string): void {
  const line = entry.replace(/\s*\n\s*/g, " ").trim();
  if (!line) return;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${line}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience; never fail the REPL over it.
  }
}
