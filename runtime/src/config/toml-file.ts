/** Reads one TOML config file. Syntax errors become CONFIG_PARSE naming the file and, when found, the line. */
import { readFileSync } from "node:fs";
import { LoomError } from "../errors.ts";
import type { Table } from "./merge.ts";

/** The file's table, or undefined when it does not exist. */
export function readTomlFile(path: string): Table | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new LoomError(
      "CONFIG_PARSE",
      `${path}: cannot read: ${(e as Error).message}`,
      { file: path },
      { cause: e },
    );
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
