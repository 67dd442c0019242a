/**
 * How a Loom tool call looks to an ACP client: kind (for the icon), title, file locations and
 * the content shown when it finishes (a diff for edits, the output otherwise).
 */
import { isAbsolute, resolve } from "node:path";
import type * as acp from "@agentclientprotocol/sdk";
import type { ToolCall } from "@loom/runtime/llm";
import type { Tool, ToolResult } from "@loom/runtime/tool";
import { toolOutputText } from "@loom/runtime/tool";
import { commandStatus } from "../repl/command-output.ts";

const KINDS: Record<string, acp.ToolKind> = {
  read_file: "read",
  list_files: "search",
  glob: "search",
  grep: "search",
  edit_file: "edit",
  write_file: "edit",
  bash: "execute",
  web_search: "fetch",
  web_fetch: "fetch",
  oracle: "think",
};

/** Longest tool output sent to the client in one update. */
export const MAX_OUTPUT_CHARS = 20_000;

type Input = Record<string, unknown>;

function asInput(input: unknown): Input {
  return input !== null && typeof input === "object" && !Array.isArray(input) ? (input as Input) : {};
}

function str(input: Input, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = input[k];
    if (typeof v === "string" && v !== "") return v;
  }
  return undefined;
}

export function toolKind(name: string, tool?: Tool): acp.ToolKind {
  return KINDS[name] ?? (tool?.mutating ? "edit" : "other");
}

function clip(s: string, n: number): string {
  const line = s.split("\n")[0] ?? "";
  return line.length > n || line !== s ? `${line.slice(0, n)}…` : line;
}

export function toolTitle(call: ToolCall): string {
  const input = asInput(call.input);
  const path = str(input, "path", "file_path", "file");
  switch (call.name) {
    case "read_file":
      return path ? `Read ${path}` : "Read file";
    case "edit_file":
    case "write_file":
      return path ? `Edit ${path}` : "Edit file";
    case "list_files":
      return `List ${path ?? "."}`;
    case "bash": {
      const cmd = str(input, "command", "cmd");
      return cmd ? `Run \`${clip(cmd, 80)}\`` : "Run command";
    }
    case "grep":
    case "glob": {
      const pattern = str(input, "pattern", "query");
      return pattern ? `Search ${clip(pattern, 60)}` : "Search";
    }
    case "web_search": {
      const q = str(input, "query", "q");
      return q ? `Web search: ${clip(q, 60)}` : "Web search";
    }
    default:
      return path ? `${call.name} ${path}` : call.name;
  }
}

export function toolLocations(call: ToolCall, cwd: string): acp.ToolCallLocation[] {
  const input = asInput(call.input);
  const path = str(input, "path", "file_path", "file");
  if (!path) return [];
  const loc: acp.ToolCallLocation = { path: isAbsolute(path) ? path : resolve(cwd, path) };
  const line = input.offset ?? input.line;
  if (typeof line === "number" && line >= 1) loc.line = Math.floor(line);
  return [loc];
}

/** The `tool_call` update that announces a call. */
export function toolCallStarted(call: ToolCall, tool: Tool | undefined, cwd: string): acp.ToolCall {
  return {
    toolCallId: call.id,
    title: toolTitle(call),
    kind: toolKind(call.name, tool),
    status: "pending",
    locations: toolLocations(call, cwd),
    rawInput: call.input,
  };
}

/** The old/new snippets of an `edit_file` call (`{ path, edits: [{ old, new }] }`) as ACP diffs. */
export function editDiffs(call: ToolCall, cwd: string): acp.Diff[] {
  const input = asInput(call.input);
  const path = str(input, "path");
  if (!path || !Array.isArray(input.edits)) return [];
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  const diffs: acp.Diff[] = [];
  for (const e of input.edits) {
    const edit = asInput(e);
    if (typeof edit.new !== "string") continue;
    diffs.push({
      path: abs,
      oldText: typeof edit.old === "string" && edit.old !== "" ? edit.old : null,
      newText: edit.new,
    });
  }
  return diffs;
}

export function textContent(text: string): acp.ToolCallContent {
  const clipped = text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}\n… (truncated)` : text;
  return { type: "content", content: { type: "text", text: clipped } };
}

function parsed(result: ToolResult): Input | undefined {
  if (typeof result.output === "object" && result.output !== null) return asInput(result.output);
  if (typeof result.output !== "string" || !result.output.startsWith("{")) return undefined;
  try {
    return asInput(JSON.parse(result.output));
  } catch {
    return undefined;
  }
}

/**
 * What a person wants to see of a result: a file's text for `read_file`, the output and exit
 * status for `bash`, an error's one line; anything else as the model sees it.
 */
export function displayText(call: ToolCall, result: ToolResult): string {
  const o = parsed(result);
  if (o && typeof o.code === "string" && typeof o.message === "string") return `${o.code}: ${o.message}`;
  if (o && call.name === "read_file" && typeof o.content === "string") return o.content;
  if (o && call.name === "bash" && ("stdout" in o || "exit_code" in o)) {
    const out = `${typeof o.stdout === "string" ? o.stdout : ""}${typeof o.stderr === "string" ? o.stderr : ""}`;
    const status = commandStatus(o);
    return `${out}${out === "" || out.endsWith("\n") ? "" : "\n"}[${status}]`;
  }
  return toolOutputText(result);
}

/** The final `tool_call_update` of a call. */
export function toolCallCompleted(call: ToolCall, result: ToolResult, cwd: string): acp.ToolCallUpdate {
  const diffs = !result.isError && toolKind(call.name) === "edit" ? editDiffs(call, cwd) : [];
  const content: acp.ToolCallContent[] =
    diffs.length > 0 ? diffs.map((d) => ({ type: "diff", ...d })) : [textContent(displayText(call, result))];
  return {
    toolCallId: call.id,
    status: result.isError ? "failed" : "completed",
    content,
    rawOutput: result.output,
  };
}
