/**
 * The host functions a WASM plugin may import from `extism:host/user`. They run in the plugin's
 * child process, synchronously, and check every request against the effective permissions and
 * the workspace path rule. A refused request throws: the guest call aborts and the tool result
 * carries the error (`PERMISSION_DENIED: …`, `PATH_OUTSIDE_WORKSPACE: …`).
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import type { CallContext } from "@extism/extism";
import { LoomError } from "../errors.ts";
import { resolveInWorkspace, workspaceRelative } from "../tools/workspace-path.ts";
import type { HostFunctionName } from "./host-function-names.ts";
import { syncFetch } from "./http-sync.ts";
import { type EffectivePermissions, hostMatches, pathAllowed } from "./permissions.ts";

export interface HostEnv {
  plugin: string;
  /** Canonical workspace root. */
  root: string;
  permissions: EffectivePermissions;
  memoryMb: number;
  maxOutputBytes: number;
  log(message: string): void;
  /**
   * Where a provider plugin's `emit_event` goes (the running call's event stream). Absent for
   * tool plugins and on the in-process path: `emit_event` is then refused.
   */
  emit?: (event: string) => void;
}

/** Cap for what a host function hands back to the guest (file contents, HTTP bodies). */
const readCap = (env: HostEnv): number => Math.max(env.maxOutputBytes, (env.memoryMb * 1024 * 1024) / 4);

type HostFn = (ctx: CallContext, ...args: bigint[]) => bigint | undefined;

const MAX_LOG_BYTES = 4096;
let tmpCounter = 0;

function text(ctx: CallContext, offset: bigint): string {
  return ctx.read(offset)?.text() ?? "";
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

export function createHostFunctions(env: HostEnv): Record<HostFunctionName, HostFn> {
  /** Names the config entry that would grant it (within what the manifest declares). */
  const deny = (what: string, key: "read" | "write" | "network" | "env", value: string): never => {
    throw new LoomError(
      "PERMISSION_DENIED",
      `plugin ${env.plugin} may not ${what}: not granted (grant it in your config: [plugins.grants.${env.plugin}] ${key} = [${JSON.stringify(value)}])`,
    );
  };
  const resolveFor = (kind: "read" | "write", p: string): string => {
    const abs = resolveInWorkspace(env.root, p, { forWrite: kind === "write" });
    if (!pathAllowed(env.root, env.permissions[kind], abs)) {
      const rel = workspaceRelative(env.root, abs);
      deny(`${kind} ${rel}`, kind, rel);
    }
    return abs;
  };
  const existing = <T>(abs: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const rel = workspaceRelative(env.root, abs);
      if (code === "ENOENT") throw new LoomError("NOT_FOUND", `${rel} does not exist`);
      if (code === "ENOTDIR") throw new LoomError("INVALID_INPUT", `${rel} is not a directory`);
      if (code === "EISDIR") throw new LoomError("INVALID_INPUT", `${rel} is a directory, not a file`);
      throw e;
    }
  };
  const maxBytes = readCap(env);
  const capped = (n: number, what: string): void => {
    if (n > maxBytes) {
      throw new LoomError("TOOL_FAILED", `${what} is ${n} bytes, over the plugin's limit of ${maxBytes}`);
    }
  };

  return {
    read_file(ctx, path) {
      const abs = resolveFor("read", text(ctx, path!));
      const size = existing(abs, () => statSync(abs).size);
      capped(size, workspaceRelative(env.root, abs));
      return ctx.store(existing(abs, () => readFileSync(abs)));
    },
    write_file(ctx, path, content) {
      const abs = resolveFor("write", text(ctx, path!));
      const bytes = ctx.read(content!)?.bytes() ?? new Uint8Array();
      mkdirSync(dirname(abs), { recursive: true });
      const tmp = `${abs}.loom-tmp-${process.pid}-${tmpCounter++}`;
      try {
        writeFileSync(tmp, bytes);
        renameSync(tmp, abs);
      } catch (e) {
        try {
          unlinkSync(tmp);
        } catch {}
        throw e;
      }
      return undefined;
    },
    list_dir(ctx, path) {
      const abs = resolveFor("read", text(ctx, path!));
      const entries = existing(abs, () => readdirSync(abs, { withFileTypes: true })).map((d) => ({
        name: d.name,
        type: d.isFile() ? "file" : d.isDirectory() ? "dir" : d.isSymbolicLink() ? "symlink" : "other",
      }));
      return ctx.store(json(entries));
    },
    stat(ctx, path) {
      const abs = resolveFor("read", text(ctx, path!));
      try {
        const s = statSync(abs);
        return ctx.store(
          json({ exists: true, type: s.isFile() ? "file" : s.isDirectory() ? "dir" : "other", size: s.size }),
        );
      } catch {
        return ctx.store(json({ exists: false }));
      }
    },
    http_fetch(ctx, request) {
      let req: { url?: unknown; method?: unknown; headers?: unknown; body?: unknown };
      try {
        req = JSON.parse(text(ctx, request!));
      } catch {
        throw new LoomError(
          "INVALID_INPUT",
          "http_fetch expects a JSON request {url, method?, headers?, body?}",
        );
      }
      if (typeof req.url !== "string")
        throw new LoomError("INVALID_INPUT", "http_fetch: url must be a string");
      let host: string;
      try {
        host = new URL(req.url).hostname;
      } catch {
        throw new LoomError("INVALID_INPUT", `http_fetch: bad url ${req.url}`);
      }
      if (!env.permissions.network.some((p) => hostMatches(host, p))) deny(`reach ${host}`, "network", host);
      const res = syncFetch(
        {
          url: req.url,
          method: typeof req.method === "string" ? req.method : "GET",
          headers: (req.headers as Record<string, string>) ?? {},
          body: typeof req.body === "string" ? req.body : undefined,
        },
        maxBytes,
      );
      return ctx.store(json(res));
    },
    env_get(ctx, name) {
      const key = text(ctx, name!);
      if (!env.permissions.env.includes(key)) deny(`read environment variable ${key}`, "env", key);
      return ctx.store(process.env[key] ?? "");
    },
    abort(ctx, message) {
      throw new LoomError("TOOL_FAILED", text(ctx, message!).slice(0, MAX_LOG_BYTES));
    },
    log(ctx, message) {
      env.log(text(ctx, message!).slice(0, MAX_LOG_BYTES));
      return undefined;
    },
    emit_event(ctx, event) {
      if (!env.emit) throw new LoomError("PLUGIN_FAILED", "emit_event: this call has no event stream");
      const bytes = ctx.read(event!)?.bytes() ?? new Uint8Array();
      if (bytes.length > env.maxOutputBytes) {
        throw new LoomError(
          "TOOL_FAILED",
          `emit_event: an event of ${bytes.length} bytes is over the plugin's limit of ${env.maxOutputBytes} (limits.maxOutputBytes)`,
        );
      }
      env.emit(new TextDecoder().decode(bytes));
      return undefined;
    },
  };
}
