/**
 * Text from outside Loom (the model, tool output, files, servers, plugin manifests) made safe to print
 * on a terminal: escape sequences and control characters other than newline and tab are removed, so
 * such text cannot move the cursor, clear or rewrite the screen, retitle the window, write the
 * clipboard (OSC 52), plant hyperlinks or hide itself. Loom's own colours are added after.
 */

/** CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC \`), DCS/SOS/PM/APC strings, other `ESC x`. */
const ESCAPE =
  /\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -/]*[0-~]?)/g;
/** C0 controls but tab and newline, DEL, C1 controls (8-bit CSI and OSC among them). */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** @example terminalSafe("ok\x1b]52;c;cHduZWQ=\x07\x1b[2J") // "ok" */
export function terminalSafe(text: string): string {
  return text.replace(ESCAPE, "").replace(CONTROL, "");
}

/** Every string inside a JSON-like value (a tool call's input) made terminal-safe. */
export function terminalSafeDeep<T>(value: T): T {
  if (typeof value === "string") return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map((v) => terminalSafeDeep(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = terminalSafeDeep(v);
    return out as T;
  }
  return value;
}
