/**
 * The text of a file an edit call is about to change, read so its diff can show line numbers:
 * inside the workspace only, a regular file, at most 1 MiB (else no numbers), never throwing.
 */
import { isAbsolute, join } from "node:path";
import { readOwnFile } from "@loom/runtime/own-file";

const MAX_BYTES = 1024 * 1024;

export function readFileBefore(workspace: string, path: string): string | undefined {
  try {
    const f = readOwnFile(isAbsolute(path) ? path : join(workspace, path), {
      root: workspace,
      maxBytes: MAX_BYTES,
    });
    if (!f || f.truncated) return undefined;
    return f.bytes.toString("utf8");
  } catch {
    return undefined;
  }
}
