/**
 * `/expand` (or Ctrl-O at the prompt): the last tool call's whole output, which the live view cut
 * to a tail. At a terminal, output taller than the screen goes through a pager (`$PAGER`, else
 * `less -R`), so it scrolls; otherwise, or when no pager runs, it is printed.
 */

/** A finished tool call's output, whole. */
export interface ToolOutput {
  name: string;
  /** Its key argument (`npm test`, `src/a.ts`). */
  arg: string;
  text: string;
}

export interface ExpandTarget {
  print(line: string): void;
  dim(s: string): string;
  /** Rows of the terminal; absent when not a terminal (no pager then). */
  rows?: number;
  /** Shows `text` in a pager; false when none could run. */
  page?(text: string): boolean;
}

export function expandOutput(last: ToolOutput | undefined, target: ExpandTarget): void {
  if (!last) {
    target.print(target.dim("no tool output yet"));
    return;
  }
  const lines = last.text.replace(/\s+$/, "").split("\n");
  const title = `${last.name}${last.arg ? ` ${last.arg}` : ""}: ${lines.length} line${lines.length === 1 ? "" : "s"}`;
  if (
    target.rows !== undefined &&
    lines.length > target.rows - 2 &&
    target.page?.(`${title}\n\n${lines.join("\n")}\n`)
  )
    return;
  target.print(target.dim(`── ${title}`));
  for (const l of lines) target.print(l);
  target.print(target.dim("──"));
}

/** The REPL's stdin, when it is a terminal: the pager gets it in its ordinary (cooked) mode. */
export interface RawModeTty {
  isRaw?: boolean;
  setRawMode?(on: boolean): unknown;
}

/**
 * Runs the pager on `text` with the terminal for its keys; blocks until it exits (so the REPL
 * reads no key meanwhile). Returns false when it could not start or failed.
 */
export function runPager(
  text: string,
  env: Record<string, string | undefined> = process.env,
  tty?: RawModeTty,
): boolean {
  const pager = env.PAGER?.trim() || "less -R";
  if (pager === "cat") return false;
  const raw = tty?.isRaw === true;
  if (raw) tty?.setRawMode?.(false);
  try {
    const p = Bun.spawnSync(["sh", "-c", pager], {
      stdin: Buffer.from(text),
      stdout: "inherit",
      stderr: "inherit",
      env: { ...env, LESS: env.LESS ?? "-R" },
    });
    return p.exitCode === 0;
  } catch {
    return false;
  } finally {
    if (raw) tty?.setRawMode?.(true);
  }
}
