/**
 * References in the `env` and `headers` values of an MCP server, so secrets stay out of the
 * config file:
 * - `${VAR}`: the variable from Loom's environment; when `VAR` is unset and `VAR_FILE` is set
 *   (the Docker/Compose convention), the contents of the file `VAR_FILE` names;
 * - `${file:PATH}`: the contents of a file (`PATH` absolute or `~/…`).
 * A file's trailing newline is dropped. A missing variable or unreadable file is an error naming
 * the key and the reference, never a value.
 * @example
 * expandRefs({ Authorization: "Bearer ${file:~/.secrets/docs}" }, process.env, "mcp.servers.docs.headers");
 */
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { formatError, LoomError } from "../errors.ts";
import { readOwnFile } from "../own-file.ts";
import type { Env } from "../paths.ts";

const MAX_SECRET_BYTES = 64 * 1024;
const REF = /\$\{(?:file:([^}]+)|([A-Za-z_][A-Za-z0-9_]*))\}/g;

function readSecretFile(path: string, env: Env, what: string): string {
  const full = path.startsWith("~/") ? join(env.HOME ?? homedir(), path.slice(2)) : path;
  if (!isAbsolute(full))
    throw new LoomError("CONFIG_INVALID", `${what}: file ${path} must be an absolute path or start with ~/`);
  let file: ReturnType<typeof readOwnFile>;
  try {
    file = readOwnFile(full, { maxBytes: MAX_SECRET_BYTES });
  } catch (e) {
    throw new LoomError("CONFIG_INVALID", `${what}: cannot read ${full}: ${formatError(e)}`);
  }
  if (!file) throw new LoomError("CONFIG_INVALID", `${what}: file ${full} does not exist`);
  if (file.truncated)
    throw new LoomError("CONFIG_INVALID", `${what}: file ${full} is over ${MAX_SECRET_BYTES} bytes`);
  return file.bytes.toString("utf8").replace(/\r?\n$/, "");
}

export function expandRefs(values: Record<string, string>, env: Env, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value.replace(REF, (_, path: string | undefined, name: string | undefined) => {
      if (path !== undefined) return readSecretFile(path.trim(), env, `${what} ${key}`);
      const v = env[name as string];
      if (v !== undefined) return v;
      const file = env[`${name}_FILE`];
      if (file !== undefined) return readSecretFile(file, env, `${what} ${key} (\${${name}_FILE})`);
      throw new LoomError("CONFIG_INVALID", `${what} ${key} names \${${name}}, which is not set`);
    });
  }
  return out;
}
