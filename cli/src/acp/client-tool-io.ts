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

export interface EditArgs {
  path: string;
  oldString: string;
  newString: string;
  replaceAll: boolean;
}

export function editArgs(input: unknown): EditArgs {
  const i = obj(input);
  return {
    path: reqString(i, "path"),
    oldString: reqString(i, "old_string"),
    newString: reqString(i, "new_string"),
    replaceAll: i.replace_all === true,
  };
}

export function commandArgs(input: unknown): { command: string } {
  return { command: reqString(obj(input), "command") };
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
 * Replaces `oldString` by `newString`: it must match exactly once unless `replaceAll`; an empty
 * `oldString` creates the file (which must then be empty or absent).
 */
export function applyEdit(before: string, a: EditArgs): { text: string; replacements: number } {
  if (a.oldString === "") {
    if (before !== "") throw new LoomError("TOOL_FAILED", `${a.path} already exists and is not empty`);
    return { text: a.newString, replacements: 1 };
  }
  if (a.oldString === a.newString)
    throw new LoomError("TOOL_INPUT_INVALID", "old_string and new_string are equal");
  const count = before.split(a.oldString).length - 1;
  if (count === 0) throw new LoomError("TOOL_FAILED", `old_string not found in ${a.path}`);
  if (count > 1 && !a.replaceAll)
    throw new LoomError("TOOL_FAILED", `old_string matches ${count} times in ${a.path}; give more context`);
  return { text: before.split(a.oldString).join(a.newString), replacements: a.replaceAll ? count : 1 };
}

export function formatCommand(
  output: string,
  exitCode: number | null,
  signal: string | null,
  truncated: boolean,
): ToolResult {
  const status = signal ? `killed by ${signal}` : `exit code ${exitCode ?? "unknown"}`;
  const text = `${output}${truncated ? "\n… (output truncated)" : ""}\n[${status}]`;
  return { output: text, isError: signal !== null || (exitCode ?? 1) !== 0 };
}
