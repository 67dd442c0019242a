/**
 * Turns readline lines into submitted inputs: a trailing backslash continues on the next line,
 * and lines that arrive together (a paste) are one input.
 */

export interface LineAssembler {
  /** Feeds one line; returns true while an input is still open (show the continuation prompt). */
  push(line: string): boolean;
  /** Drops a half-typed input (Ctrl-C). Returns true if there was one. */
  clear(): boolean;
  readonly open: boolean;
}

/**
 * `submit` runs once the paste window closes with no continuation pending. A window of 0 submits
 * each line at once (piped input: every line is its own input).
 */
export function createLineAssembler(submit: (text: string) => void, pasteWindowMs = 8): LineAssembler {
  let lines: string[] = [];
  let continued = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    if (continued) return;
    const text = lines.join("\n");
    lines = [];
    submit(text);
  };

  return {
    push(line) {
      if (timer) clearTimeout(timer);
      continued = line.endsWith("\\") && !line.endsWith("\\\\");
      lines.push(continued ? line.slice(0, -1) : line);
      if (continued) return true;
      if (pasteWindowMs <= 0) flush();
      else timer = setTimeout(flush, pasteWindowMs);
      return false;
    },
    clear() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const had = lines.length > 0;
      lines = [];
      continued = false;
      return had;
    },
    get open() {
      return continued || lines.length > 0;
    },
  };
}
