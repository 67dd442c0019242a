/**
 * A weaver's log: text lines `<ISO time>\t<text>`, appended by its supervisor; read back as
 * `LogLine`s (the last `tail` first, then, with `follow`, new lines as they are written until the
 * weaver ends or the reader stops). Terminal output loses its escape sequences on the way in.
 */
import { appendFileSync, closeSync, openSync, readSync, statSync } from "node:fs";
import type { LogLine, LogOptions } from "../driver.ts";

// CSI, OSC (to BEL or ST), and other two-byte escapes; then stray control characters but tab.
const ANSI =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b-\x1f\x7f]/g;

export function stripTerminal(text: string): string {
  return text.replace(ANSI, "");
}

/** Appends output, a line at a time; keeps an unfinished line until its end arrives (or `flush`). */
export function createLogWriter(path: string, clock: () => Date = () => new Date()) {
  let pending = "";
  const write = (line: string) =>
    appendFileSync(path, `${clock().toISOString()}\t${line}\n`, { mode: 0o600 });
  return {
    text(chunk: string) {
      pending += chunk;
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        const line = stripTerminal(pending.slice(0, nl).replace(/\r$/, "").split("\r").pop() ?? "");
        pending = pending.slice(nl + 1);
        write(line);
        nl = pending.indexOf("\n");
      }
      if (pending.length > 64 * 1024) this.flush();
    },
    line(text: string) {
      this.flush();
      write(text);
    },
    flush() {
      if (pending) write(stripTerminal(pending));
      pending = "";
    },
  };
}

function parse(raw: string): LogLine {
  const tab = raw.indexOf("\t");
  return tab < 0 ? { timestamp: "", line: raw } : { timestamp: raw.slice(0, tab), line: raw.slice(tab + 1) };
}

const POLL_MS = 100;

/**
 * Reads the log: the last `tail` lines (all by default), then with `follow` polls for more until
 * `done()` is true and nothing new is left, or the signal aborts.
 */
export async function* readLog(
  path: string,
  o: LogOptions & { done: () => boolean },
): AsyncIterable<LogLine> {
  let offset = 0;
  let rest = "";
  const readNew = (): string[] => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return [];
    }
    if (size <= offset) return [];
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.alloc(size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const lines = (rest + buf.subarray(0, n).toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      return lines;
    } finally {
      closeSync(fd);
    }
  };
  const first = readNew();
  for (const l of o.tail === undefined ? first : first.slice(Math.max(0, first.length - o.tail)))
    yield parse(l);
  if (!o.follow) return;
  while (!o.signal?.aborted) {
    const finished = o.done();
    const more = readNew();
    for (const l of more) yield parse(l);
    if (finished && more.length === 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, POLL_MS);
      o.signal?.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
