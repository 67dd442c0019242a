/**
 * Structured logging: levels, pretty or JSON lines, appended to `<state dir>/logs/loom.log` by
 * default so the REPL screen stays clean. Secrets and secret-named fields are redacted on the way out.
 * Nothing happens at import time; the file is opened on the first line written.
 * @example
 * const log = createLogger({ level: "debug", format: "json" });
 * const llm = log.child({ provider: "anthropic" });
 * llm.info("request sent", { model: "claude", api_key: key }); // api_key → "[redacted]"
 */
import { closeSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { type Env, logFile } from "./paths.ts";
import { Secret } from "./secret.ts";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";
export type LogFormat = "pretty" | "json";
export type LogFields = Record<string, unknown>;

/** Anything with `write(string)`: a Node/Bun stream, a test collector. */
export interface LogSink {
  write(chunk: string): unknown;
}

export interface Logger {
  readonly level: LogLevel;
  enabled(level: LogLevel): boolean;
  trace(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line; shares level and output with its parent. */
  child(fields: LogFields): Logger;
  /** Closes the log file if this logger tree opened one. */
  close(): void;
}

export interface LoggerOptions {
  /** Lowest level written. Default "info". */
  level?: LogLevel;
  /** Default "pretty". */
  format?: LogFormat;
  /** Append to this file (dirs created). Ignored when `stream` is given. Default `<state>/logs/loom.log`. */
  file?: string;
  stream?: LogSink;
  /** Fields bound to every line. */
  fields?: LogFields;
  /** When the file is larger than this on open, it is moved to `<file>.1` first. Default 10 MiB. */
  maxFileBytes?: number;
  /** Resolves the default file's state dir. Default process.env. */
  env?: Env;
  now?: () => Date;
}

export const LOG_LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error"];
const RANK: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 };
const REDACTED = "[redacted]";
const MAX_DEPTH = 8;

/** True for field names that hold credentials: api_key, apiKey, authorization, token, *_token, password, secret, cookie. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  return (
    k.endsWith("apikey") ||
    k.endsWith("token") ||
    k.endsWith("password") ||
    k.endsWith("secret") ||
    k === "authorization" ||
    k === "proxyauthorization" ||
    k === "cookie" ||
    k === "setcookie"
  );
}

/** A JSON-safe copy of `value` with Secrets and secret-named fields replaced by "[redacted]". */
export function redact(value: unknown): unknown {
  return redactAt(value, 0, new WeakSet());
}

function redactAt(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value instanceof Secret) return REDACTED;
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[…]";
  seen.add(value);
  try {
    if (value instanceof Error) return redactError(value, depth, seen);
    if (Array.isArray(value)) return value.map((v) => redactAt(v, depth + 1, seen));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && v !== undefined && v !== null ? REDACTED : redactAt(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function redactError(e: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  const extra = e as Error & { code?: unknown; details?: unknown };
  if (extra.code !== undefined) out.code = extra.code;
  if (extra.details !== undefined) out.details = redactAt(extra.details, depth + 1, seen);
  if (e.stack !== undefined) out.stack = e.stack;
  return out;
}

interface Output {
  write(line: string): void;
  close(): void;
}

function fileOutput(path: string, maxBytes: number): Output {
  let fd: number | undefined;
  let broken = false;
  return {
    write(line) {
      if (broken) return;
      try {
        if (fd === undefined) {
          mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
          if ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) > maxBytes)
            renameSync(path, `${path}.1`);
          fd = openSync(path, "a", 0o600);
        }
        writeSync(fd, line);
      } catch (e) {
        broken = true;
        process.stderr.write(`loom: cannot write log file ${path}: ${(e as Error).message}\n`);
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

function formatLine(format: LogFormat, time: Date, level: LogLevel, msg: string, fields: LogFields): string {
  const clean = redact(fields) as LogFields;
  if (format === "json") {
    const record: LogFields = { time: time.toISOString(), level, msg };
    for (const [k, v] of Object.entries(clean)) if (!(k in record) && v !== undefined) record[k] = v;
    return `${JSON.stringify(record)}\n`;
  }
  let line = `${time.toISOString()} ${level.toUpperCase().padEnd(5)} ${msg.replaceAll("\n", "\\n")}`;
  for (const [k, v] of Object.entries(clean)) if (v !== undefined) line += ` ${k}=${prettyValue(v)}`;
  return `${line}\n`;
}

function prettyValue(v: unknown): string {
  if (typeof v === "string") return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === "object" && v !== null) return JSON.stringify(v);
  return String(v);
}

/** Creates a logger. See `LoggerOptions` for defaults. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const format = options.format ?? "pretty";
  const now = options.now ?? (() => new Date());
  const stream = options.stream;
  const output: Output = stream
    ? { write: (line) => void stream.write(line), close: () => {} }
    : fileOutput(
        options.file ?? logFile(options.env ?? process.env),
        options.maxFileBytes ?? 10 * 1024 * 1024,
      );
  return build(options.fields ?? {});

  function build(bound: LogFields): Logger {
    const emit = (at: LogLevel, msg: string, fields?: LogFields) => {
      if (RANK[at] < RANK[level]) return;
      output.write(formatLine(format, now(), at, msg, fields ? { ...bound, ...fields } : bound));
    };
    return {
      level,
      enabled: (at) => RANK[at] >= RANK[level],
      trace: (msg, fields) => emit("trace", msg, fields),
      debug: (msg, fields) => emit("debug", msg, fields),
      info: (msg, fields) => emit("info", msg, fields),
      warn: (msg, fields) => emit("warn", msg, fields),
      error: (msg, fields) => emit("error", msg, fields),
      child: (fields) => build({ ...bound, ...fields }),
      close: () => output.close(),
    };
  }
}
