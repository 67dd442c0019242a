/** read_file: a text file, whole or a line range, capped at 1 MiB. */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { defineTool } from "@loom/runtime/define-tool";
import { LoomError } from "@loom/runtime/errors";
import { requireCapability } from "@loom/runtime/tool-capabilities";
import { resolveInWorkspace, workspaceRelative } from "@loom/runtime/workspace-path";
import { type Static, Type } from "@sinclair/typebox";
import description from "./read-file.txt" with { type: "text" };

export const READ_CAP_BYTES = 1024 * 1024;
/** Largest file a line-range read will scan. */
export const RANGE_SCAN_CAP_BYTES = 64 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8192;

export const ReadFileInput = Type.Object(
  {
    path: Type.String({ description: "File path, relative to the workspace root" }),
    start_line: Type.Optional(Type.Integer({ minimum: 1, description: "First line to return (1-based)" })),
    end_line: Type.Optional(Type.Integer({ minimum: 1, description: "Last line to return (inclusive)" })),
  },
  { additionalProperties: false },
);

export const readFileTool = defineTool({
  name: "read_file",
  description,
  input: ReadFileInput,
  async invoke(input, ctx) {
    requireCapability(ctx, "read");
    const abs = resolveInWorkspace(ctx.workspaceRoot, input.path);
    const rel = workspaceRelative(resolveInWorkspace(ctx.workspaceRoot, "."), abs);
    return { output: readText(abs, rel, input) };
  },
});

export function readText(
  abs: string,
  rel: string,
  input: Static<typeof ReadFileInput>,
): Record<string, unknown> {
  const stat = statOrThrow(abs, rel);
  if (stat.isDirectory()) throw new LoomError("INVALID_INPUT", `${rel} is a directory; use list_files`);
  if (!stat.isFile()) throw new LoomError("INVALID_INPUT", `${rel} is not a regular file`);
  const ranged = input.start_line !== undefined || input.end_line !== undefined;
  if (ranged && stat.size > RANGE_SCAN_CAP_BYTES) {
    throw new LoomError("INVALID_INPUT", `${rel} is larger than ${RANGE_SCAN_CAP_BYTES} bytes; use grep`);
  }
  const limit = ranged ? stat.size : Math.min(stat.size, READ_CAP_BYTES);
  const bytes = readPrefix(abs, limit);
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { path: rel, binary: true, size: stat.size };
  let text = bytes.toString("utf8");
  let truncated = stat.size > bytes.length;
  if (truncated) text = text.slice(0, Math.max(0, text.lastIndexOf("\n") + 1)) || text;
  if (!ranged) return { path: rel, content: text, size: stat.size, truncated };

  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const start = input.start_line ?? 1;
  const end = Math.min(input.end_line ?? lines.length, lines.length);
  if (start > Math.max(lines.length, 1) || start > end) {
    if (lines.length === 0 && start === 1)
      return { path: rel, content: "", start_line: 1, end_line: 0, total_lines: 0, truncated: false };
    throw new LoomError(
      "INVALID_INPUT",
      `line range ${start}-${input.end_line ?? "end"} is outside ${rel} (${lines.length} lines)`,
    );
  }
  const kept: string[] = [];
  let used = 0;
  let last = start - 1;
  for (let i = start - 1; i < end; i++) {
    const size = Buffer.byteLength(lines[i]!) + 1;
    if (used + size > READ_CAP_BYTES) break;
    kept.push(lines[i]!);
    used += size;
    last = i + 1;
  }
  truncated = last < end;
  const content = kept.length === 0 ? "" : `${kept.join("\n")}\n`;
  return { path: rel, content, start_line: start, end_line: last, total_lines: lines.length, truncated };
}

function statOrThrow(abs: string, rel: string) {
  try {
    return statSync(abs);
  } catch {
    throw new LoomError("NOT_FOUND", `${rel} does not exist`);
  }
}

function readPrefix(abs: string, limit: number): Buffer {
  const buf = Buffer.allocUnsafe(limit);
  const fd = openSync(abs, "r");
  try {
    let off = 0;
    while (off < limit) {
      const n = readSync(fd, buf, off, limit - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
