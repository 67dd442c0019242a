/**
 * User-configured hooks (`[[hooks.<event>]]` in the user's config): shell commands run on session
 * events, each given the event as JSON on stdin, each with its own timeout. Exit 0 is success (its
 * stdout may add context or, for `PreToolUse`, a JSON decision); exit 2 blocks (the call, or the
 * prompt) with stderr as the reason; anything else (another exit code, a timeout, a command that
 * cannot start) is a warning and changes nothing: a failing hook never stops the session.
 * Hooks of one event run one after another, in config order.
 * @example
 * const hooks = createHookRunner({ config: config.hooks, cwd: ws, env, context: () => ({ session_id }), warn });
 * const reason = await hooks.preToolUse(call, signal); // a string: refuse the call with it
 */
import type { HookCommand, HooksConfig } from "../config/schema.ts";
import { LoomError } from "../errors.ts";
import type { ToolCall } from "../llm.ts";
import { type HookOutcome, runHookCommand } from "./hook-command.ts";

export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;
/** Exit code that blocks (as in Claude Code's hooks). */
export const BLOCK_EXIT_CODE = 2;

export type HookEventName = "PreToolUse" | "PostToolUse" | "UserPromptSubmit" | "Stop" | "SessionStart";

const CONFIG_KEY: Record<HookEventName, keyof HooksConfig> = {
  PreToolUse: "pre_tool_use",
  PostToolUse: "post_tool_use",
  UserPromptSubmit: "user_prompt_submit",
  Stop: "stop",
  SessionStart: "session_start",
};

export interface HookRunnerOptions {
  config: HooksConfig;
  /** Where the commands run (the workspace). */
  cwd: string;
  env: Record<string, string | undefined>;
  /** Fields every event carries (`session_id`, `permission_mode`). */
  context: () => Record<string, unknown>;
  /** A hook that failed (not one that blocked): one line for the user. */
  warn: (message: string) => void;
}

export interface PromptDecision {
  /** The prompt must not be sent: why (for the user). */
  block?: string;
  /** Text the hooks printed, added to the prompt. */
  context?: string;
}

export interface HookRunner {
  /** How many hooks each event has. */
  readonly counts: Readonly<Record<HookEventName, number>>;
  /** A reason when a hook refuses the call (the model reads it), else undefined. */
  preToolUse(call: ToolCall, signal: AbortSignal): Promise<string | undefined>;
  /** Feedback for the model (exit 2's stderr) to add to the tool's result, else undefined. */
  postToolUse(
    call: ToolCall,
    result: { content: string; isError: boolean },
    signal: AbortSignal,
  ): Promise<string | undefined>;
  userPromptSubmit(prompt: string): Promise<PromptDecision>;
  stop(info: { reason: string; lastMessage?: string }): Promise<void>;
  /** What the hooks printed: context for the system prompt. */
  sessionStart(source: "startup" | "resume"): Promise<string | undefined>;
}

interface CompiledHook extends HookCommand {
  test?: RegExp;
}

function compile(config: HooksConfig): Record<HookEventName, CompiledHook[]> {
  const out = {} as Record<HookEventName, CompiledHook[]>;
  for (const [event, key] of Object.entries(CONFIG_KEY) as Array<[HookEventName, keyof HooksConfig]>) {
    out[event] = (config[key] ?? []).map((h, i) => {
      if (h.matcher === undefined || h.matcher === "*") return { ...h };
      try {
        return { ...h, test: new RegExp(`^(?:${h.matcher})$`) };
      } catch (e) {
        throw new LoomError(
          "CONFIG_INVALID",
          `hooks.${key}[${i}].matcher: not a regular expression: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    });
  }
  return out;
}

const firstLine = (s: string): string => s.trim().split("\n")[0]?.slice(0, 300) ?? "";

/** The block reason a `PreToolUse` hook gave on stdout as JSON (`{"decision":"block","reason":…}`). */
function jsonDecision(stdout: string): string | undefined {
  const text = stdout.trim();
  if (!text.startsWith("{")) return undefined;
  try {
    const v = JSON.parse(text) as { decision?: unknown; reason?: unknown };
    if (v.decision !== "block" && v.decision !== "deny") return undefined;
    return typeof v.reason === "string" && v.reason.trim() ? v.reason.trim() : "blocked by a hook";
  } catch {
    return undefined;
  }
}

export function createHookRunner(o: HookRunnerOptions): HookRunner {
  const hooks = compile(o.config);
  const counts = Object.fromEntries(
    (Object.keys(hooks) as HookEventName[]).map((e) => [e, hooks[e].length]),
  ) as Record<HookEventName, number>;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.env)) if (v !== undefined) env[k] = v;
  env.LOOM_WORKSPACE = o.cwd;

  /** Runs the event's hooks (those matching `tool`) in order; `each` may stop the run by returning true. */
  const run = async (
    event: HookEventName,
    payload: Record<string, unknown>,
    each: (outcome: HookOutcome, hook: CompiledHook) => boolean | undefined,
    tool?: string,
    signal?: AbortSignal,
  ): Promise<void> => {
    for (const hook of hooks[event]) {
      if (tool !== undefined && hook.test && !hook.test.test(tool)) continue;
      if (signal?.aborted) return;
      const outcome = await runHookCommand({
        command: hook.command,
        cwd: o.cwd,
        env: { ...env, LOOM_HOOK_EVENT: event },
        input: { ...o.context(), hook_event_name: event, cwd: o.cwd, ...payload },
        timeoutMs: hook.timeout_ms ?? DEFAULT_HOOK_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
      });
      if (signal?.aborted) return;
      const failure = describeFailure(outcome, hook);
      if (failure) o.warn(`${event} hook \`${hook.command}\` ${failure}`);
      else if (each(outcome, hook)) return;
    }
  };

  return {
    counts,
    async preToolUse(call, signal) {
      let reason: string | undefined;
      await run(
        "PreToolUse",
        { tool_name: call.name, tool_input: call.input, tool_call_id: call.id },
        (r) => {
          reason =
            r.exitCode === BLOCK_EXIT_CODE
              ? firstText(r.stderr, r.stdout, "blocked by a hook")
              : jsonDecision(r.stdout);
          return reason !== undefined;
        },
        call.name,
        signal,
      );
      return reason;
    },
    async postToolUse(call, result, signal) {
      const notes: string[] = [];
      await run(
        "PostToolUse",
        {
          tool_name: call.name,
          tool_input: call.input,
          tool_call_id: call.id,
          tool_response: { output: result.content, is_error: result.isError },
        },
        (r) => {
          if (r.exitCode === BLOCK_EXIT_CODE) notes.push(firstText(r.stderr, r.stdout, "a hook objected"));
          return false;
        },
        call.name,
        signal,
      );
      return notes.length > 0 ? notes.join("\n") : undefined;
    },
    async userPromptSubmit(prompt) {
      const decision: PromptDecision = {};
      const context: string[] = [];
      await run("UserPromptSubmit", { prompt }, (r) => {
        if (r.exitCode === BLOCK_EXIT_CODE) {
          decision.block = firstText(r.stderr, r.stdout, "blocked by a hook");
          return true;
        }
        if (r.stdout.trim()) context.push(r.stdout.trim());
        return false;
      });
      if (!decision.block && context.length > 0) decision.context = context.join("\n\n");
      return decision;
    },
    async stop(info) {
      await run(
        "Stop",
        {
          reason: info.reason,
          ...(info.lastMessage !== undefined ? { last_message: info.lastMessage } : {}),
        },
        (r) => {
          if (r.exitCode === BLOCK_EXIT_CODE) o.warn(`Stop hook: ${firstText(r.stderr, r.stdout, "exit 2")}`);
          return false;
        },
      );
    },
    async sessionStart(source) {
      const context: string[] = [];
      await run("SessionStart", { source }, (r) => {
        if (r.exitCode === 0 && r.stdout.trim()) context.push(r.stdout.trim());
        else if (r.exitCode === BLOCK_EXIT_CODE)
          o.warn(`SessionStart hook: ${firstText(r.stderr, r.stdout, "exit 2")}`);
        return false;
      });
      return context.length > 0 ? context.join("\n\n") : undefined;
    },
  };
}

function firstText(a: string, b: string, fallback: string): string {
  return a.trim() || b.trim() || fallback;
}

/** Undefined for exit 0 and exit 2 (the two answers a hook gives); else what went wrong. */
function describeFailure(r: HookOutcome, hook: HookCommand): string | undefined {
  if (r.startError !== undefined) return `could not start: ${r.startError}`;
  if (r.timedOut) return `timed out after ${hook.timeout_ms ?? DEFAULT_HOOK_TIMEOUT_MS} ms`;
  if (r.exitCode === 0 || r.exitCode === BLOCK_EXIT_CODE) return undefined;
  const why = firstLine(r.stderr);
  return `failed (${r.exitCode === null ? "killed" : `exit ${r.exitCode}`})${why ? `: ${why}` : ""}`;
}
