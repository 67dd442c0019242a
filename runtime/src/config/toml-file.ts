/** Reads one TOML config file. Syntax errors become CONFIG_PARSE naming the file and, when found, the line. */
import { LoomError } from "../errors.ts";
import { readOwnFile } from "../own-file.ts";
import type { Table } from "./merge.ts";

/** No config file needs more; a larger one is refused rather than read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * The file's table, or undefined when it does not exist. It must be a regular file of at most
 * MAX_CONFIG_BYTES (a FIFO or a device would hang or never end); with `root` (the workspace's own
 * config), it must also be inside that folder, symlinks resolved. Otherwise CONFIG_PARSE.
 */
export function readTomlFile(path: string, root?: string): Table | undefined {
  let text: string;
  try {
    const f = readOwnFile(
      path,
      root === undefined ? { maxBytes: MAX_CONFIG_BYTES } : { root, maxBytes: MAX_CONFIG_BYTES },
    );
    if (f === undefined) return undefined;
    if (f.truncated)
      throw new LoomError("CONFIG_PARSE", `${path}: larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB`);
    text = f.bytes.toString("utf8");
  } catch (e) {
    if (e instanceof LoomError && e.code === "CONFIG_PARSE") throw e;
    throw new LoomError("CONFIG_PARSE", (e as Error).message, { file: path }, { cause: e });
  }
  return parseToml(text, path);
}

export function parseToml(text: string, path: string): Table {
  try {
    return Bun.TOML.parse(text) as Table;
  } catch (e) {
    const reason = tomlReason(e);
    const line = errorLine(text, reason);
    const where = line === undefined ? path : `${path}:${line}`;
    throw new LoomError(
      "CONFIG_PARSE",
      `${where}: invalid TOML: ${reason}`,
      { file: path, line },
      { cause: e },
    );
  }
}

function tomlReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/^TOML Parse error:\s*/, "");
}

const MAX_LINES_SCANNED = 1000;

/**
 * Bun's TOML errors carry no line number, so find the first line at which a prefix of the file
 * fails with the same error. Prefixes that cut a multi-line value fail differently and are skipped.
 */
function errorLine(text: string, reason: string): number | undefined {
  const lines = text.split("\n");
  if (lines.length > MAX_LINES_SCANNED) return undefined;
  for (let n = 1; n <= lines.length; n++) {
    try {
      Bun.TOML.parse(lines.slice(0, n).join("\n"));
    } catch (e) {
      if (tomlReason(e) === reason) return n;
    }
  }
  return undefined;
}
