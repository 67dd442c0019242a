/**
 * Pure parts of the client-backed tools: reading their inputs, applying an edit, and shaping the
 * output the model sees like the built-in tools do.
 */
import { LoomError } from "@loom/runtime/errors";
import type { ToolResult } from "@loom/runtime/tool";

type Input = Record<string, unknown>;

function obj(input: unknown): Input {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw new LoomError("TOOL_INPUT_INVALID", "/: Expected object");
  return input as Input;
}

function reqString(input: Input, key: string): string {
  const v = input[key];
  if (typeof v !== "string") throw new LoomError("TOOL_INPUT_INVALID", `/${key}: Expected string`);
  return v;
}

function optInt(input: Input, key: string): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
    throw new LoomError("TOOL_INPUT_INVALID", `/${key}: Expected integer >= 1`);
  return v;
}

export interface ReadArgs {
  path: string;
  startLine?: number;
  endLine?: number;
}

/** `read_file` input: `{ path, start_line?, end_line? }` (1-based, inclusive). */
export function readArgs(input: unknown): ReadArgs {
  const i = obj(input);
  const out: ReadArgs = { path: reqString(i, "path") };
  const start = optInt(i, "start_line");
  const end = optInt(i, "end_line");
  if (start !== undefined) out.startLine = start;
  if (end !== undefined) out.endLine = end;
  if (start !== undefined && end !== undefined && end < start)
    throw new LoomError("TOOL_INPUT_INVALID", "/end_line: must not be before start_line");
  return out;
}

export interface Edit {
  old: string;
  new: string;
  replaceAll: boolean;
}

export interface EditArgs {
  path: string;
  edits: Edit[];
}

/** `edit_file` input: `{ path, edits: [{ old, new, replace_all? }] }`. */
export function editArgs(input: unknown): EditArgs {
  const i = obj(input);
  const path = reqString(i, "path");
  const raw = i.edits;
  if (!Array.isArray(raw) || raw.length === 0)
    throw new LoomError(
      "TOOL_INPUT_INVALID",
      "/edits: Expected a non-empty array of {old, new, replace_all?}",
    );
  const edits = raw.map((e, n) => {
    const o = obj(e);
    if (typeof o.old !== "string" || typeof o.new !== "string")
      throw new LoomError("TOOL_INPUT_INVALID", `/edits/${n}: Expected {old: string, new: string}`);
    return { old: o.old, new: o.new, replaceAll: o.replace_all === true };
  });
  return { path, edits };
}

/** `bash` input: `{ command, timeout_ms?, cwd? }`. */
export function commandArgs(input: unknown): { command: string; timeoutMs: number; cwd?: string } {
  const i = obj(input);
  const command = reqString(i, "command");
  const timeout = optInt(i, "timeout_ms");
  const out: { command: string; timeoutMs: number; cwd?: string } = {
    command,
    timeoutMs: Math.min(timeout ?? 60_000, 300_000),
  };
  if (typeof i.cwd === "string" && i.cwd !== "") out.cwd = i.cwd;
  return out;
}

/**
 * `read_file`'s output for text that came from the client: `{ path, content, size, truncated }`,
 * or for a line range `{ path, content, start_line, end_line, truncated }` (as the built-in tool).
 */
export function formatRead(rel: string, text: string, a: ReadArgs): Record<string, unknown> {
  if (a.startLine === undefined && a.endLine === undefined)
    return { path: rel, content: text, size: Buffer.byteLength(text), truncated: false };
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const start = a.startLine ?? 1;
  const shown = a.endLine === undefined ? lines : lines.slice(0, a.endLine - start + 1);
  const content = shown.map((l) => `${l}\n`).join("");
  return { path: rel, content, start_line: start, end_line: start + shown.length - 1, truncated: false };
}

/**
 * Applies `edit_file`'s edits in order, all or nothing, with the built-in tool's rules: each `old`
 * matches exactly once unless `replace_all`; an empty `old` (first edit only) creates the file.
 * `before` is `undefined` when the file does not exist.
 */
export function applyEdits(
  before: string | undefined,
  a: EditArgs,
): { text: string; created: boolean; replacements: number } {
  let text = before ?? "";
  let created = false;
  let replacements = 0;
  a.edits.forEach((e, i) => {
    const where = `edits[${i}]`;
    if (e.old === "") {
      if (before !== undefined || i > 0)
        throw new LoomError(
          "TOOL_FAILED",
          `${where}: old is empty, which creates a new file, but ${a.path} already exists`,
        );
      text = e.new;
      created = true;
      return;
    }
    if (before === undefined && !created)
      throw new LoomError("NOT_FOUND", `${a.path} does not exist (an empty old creates it)`);
    if (e.old === e.new) throw new LoomError("TOOL_INPUT_INVALID", `${where}: old and new are the same`);
    const n = text.split(e.old).length - 1;
    if (n === 0) throw new LoomError("TOOL_FAILED", `${where}: old text not found in ${a.path}`);
    if (n > 1 && !e.replaceAll)
      throw new LoomError(
        "TOOL_FAILED",
        `${where}: old text matches ${n} places in ${a.path}; add context to make it unique or set replace_all`,
      );
    text = e.replaceAll ? text.split(e.old).join(e.new) : text.replace(e.old, () => e.new);
    replacements += e.replaceAll ? n : 1;
  });
  return { text, created, replacements };
}

/** `bash`'s output shape, for a command that ran in a client terminal (stdout and stderr merged). */
export function formatCommand(
  output: string,
  exitCode: number | null,
  signal: string | null,
  truncated: boolean,
  cancelled: boolean,
  timedOut: boolean,
): ToolResult {
  return {
    output: {
      exit_code: exitCode,
      signal,
      timed_out: timedOut,
      cancelled,
      stdout: output,
      stderr: "",
      stdout_truncated: truncated,
      stderr_truncated: false,
    },
    isError: cancelled || timedOut || signal !== null || exitCode !== 0,
  };
}
