/** Turns the shared session flags into `SessionInit` fields, refusing bad values as usage errors. */

import { parseSandboxMode } from "@loom/runtime/sandbox/policy";
import { isHttpUrl } from "@loom/runtime/url";
import { UsageError } from "../cli.ts";
import { parsePermissionMode } from "./permissions.ts";
import type { SessionInit } from "./session.ts";
import { realWorkspace } from "./workspace-dir.ts";

export interface SessionArgValues {
  provider?: string;
  model?: string;
  "permission-mode"?: string;
  sandbox?: string;
  workspace?: string;
  "server-url"?: string;
  "max-steps"?: string;
}

export function sessionInitFromArgs(args: SessionArgValues): SessionInit {
  const init: SessionInit = {};
  if (args.provider) init.provider = args.provider;
  if (args.model) init.model = args.model;
  if (args.workspace !== undefined) {
    // Checked here, before a REPL draws its prompt: a bad directory is a usage error.
    try {
      realWorkspace(args.workspace);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    init.workspace = args.workspace;
  }
  const server = args["server-url"];
  if (server) {
    if (!isHttpUrl(server)) throw new UsageError(`--server-url must be an http(s) URL (got '${server}')`);
    init.serverUrl = server;
  }
  const steps = args["max-steps"];
  if (steps !== undefined) {
    if (!/^\d+$/.test(steps) || !Number.isSafeInteger(Number(steps)))
      throw new UsageError(`--max-steps must be a whole number, 0 for no limit (got '${steps}')`);
    init.maxSteps = Number(steps);
  }
  const mode = args["permission-mode"];
  if (mode !== undefined) {
    const parsed = parsePermissionMode(mode);
    if (!parsed) throw new UsageError(`--permission-mode must be ask, auto or read-only (got '${mode}')`);
    init.permissionMode = parsed;
  }
  if (args.sandbox !== undefined) init.sandboxMode = sandboxModeArg(args.sandbox);
  return init;
}

/** `--sandbox read-only | workspace-write | danger-full-access`, or a usage error. */
export function sandboxModeArg(value: string): NonNullable<SessionInit["sandboxMode"]> {
  const mode = parseSandboxMode(value);
  if (!mode)
    throw new UsageError(
      `--sandbox must be read-only, workspace-write or danger-full-access (got '${value}')`,
    );
  return mode;
}
