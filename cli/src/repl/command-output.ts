/**
 * What a person wants to see of a command's result (a `command` tool such as `bash`): the last lines
 * of its output and how it ended. The model gets the whole result; a terminal shows a capped tail.
 */

export interface CommandOutput {
  /** stdout then stderr. */
  text: string;
  /** `exit code 1`, `timed out`, `killed by SIGKILL`, `cancelled`; undefined for a plain exit 0. */
  failure?: string;
}

const TAIL_LINE_CHARS = 200;

/** Reads bash's result shape (`{stdout, stderr, exit_code, …}` as JSON text); any other text is the output itself. */
export function commandOutput(result: string): CommandOutput {
  let o: Record<string, unknown> | undefined;
  if (result.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(result);
      if (typeof parsed === "object" && parsed !== null && ("stdout" in parsed || "exit_code" in parsed))
        o = parsed as Record<string, unknown>;
    } catch {
      // Not JSON after all: shown as text.
    }
  }
  if (!o) return { text: result };
  const text = `${typeof o.stdout === "string" ? o.stdout : ""}${typeof o.stderr === "string" ? o.stderr : ""}`;
  const status = commandStatus(o);
  const failure = status === "exit code 0" ? undefined : status;
  return failure === undefined ? { text } : { text, failure };
}

/** How a command ended, from bash's result fields: `cancelled`, `timed out`, `killed by SIGKILL` or `exit code N`. */
export function commandStatus(o: Record<string, unknown>): string {
  if (o.cancelled === true) return "cancelled";
  if (o.timed_out === true) return "timed out";
  if (typeof o.signal === "string") return `killed by ${o.signal}`;
  return `exit code ${String(o.exit_code ?? 0)}`;
}

/** The last `max` non-empty-trailing lines, each cut at 200 characters, after a `… N earlier lines` note. */
export function outputTail(text: string, max = 8): string[] {
  const lines = text.replace(/\s+$/, "").split("\n");
  if (lines.length === 1 && lines[0] === "") return [];
  const cut = (l: string) => (l.length > TAIL_LINE_CHARS ? `${l.slice(0, TAIL_LINE_CHARS - 1)}…` : l);
  const tail = lines.slice(-max).map(cut);
  const earlier = lines.length - tail.length;
  return earlier > 0 ? [`… ${earlier} earlier line${earlier === 1 ? "" : "s"}`, ...tail] : tail;
}
