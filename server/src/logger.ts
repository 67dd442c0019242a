/**
 * Structured one-line JSON logs on stderr. Values pass through `redact`, which replaces every
 * registered secret (provider keys, bearer tokens) and anything shaped like a provider key or a Loom
 * token wherever it appears, so a key never reaches a log.
 */
import { createRedactor } from "./redact.ts";

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export function createLogger(opts: {
  write?: (line: string) => void;
  secrets?: () => string[];
  clock?: () => Date;
}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const clock = opts.clock ?? (() => new Date());
  const redact = createRedactor(opts.secrets ?? (() => []));
  const emit = (level: string, event: string, fields?: Record<string, unknown>) => {
    const line = redact(JSON.stringify({ t: clock().toISOString(), level, event, ...fields })).replace(
      /\blt_[A-Za-z0-9_-]{16,}/g,
      "lt_[redacted]",
    );
    write(`${line}\n`);
  };
  return { info: (e, f) => emit("info", e, f), error: (e, f) => emit("error", e, f) };
}

export const silentLogger: Logger = { info() {}, error() {} };
