/**
 * The user's hooks (`[hooks]`, runtime/src/hooks/hooks.ts) wired into a session, so the REPL,
 * `loom run` and the ACP agent all run them: tool hooks through the agent, the prompt hook before
 * a turn, the stop hook after it, the start hook once as the session is built. A hook's failure
 * is a warning notice, never the session's.
 */
import type { AgentHooks, TurnResult } from "@loom/runtime/agent/types";
import type { HooksConfig } from "@loom/runtime/config/schema";
import { createHookRunner, type HookRunner } from "@loom/runtime/hooks";
import type { Env } from "@loom/runtime/paths";
import type { SessionListener } from "./events.ts";

export interface SessionHooks {
  readonly runner: HookRunner;
  /** For `createAgent({ hooks })`: nothing when no tool hook is configured. */
  readonly agentHooks: Pick<AgentHooks, "beforeTool" | "afterTool">;
  /** The text to send, or `blocked` with the reason. */
  beforePrompt(text: string): Promise<{ text: string } | { blocked: string }>;
  afterTurn(result: TurnResult): Promise<void>;
}

export function createSessionHooks(o: {
  config: HooksConfig;
  workspace: string;
  env: Env;
  threadId: () => string;
  permissionMode: () => string;
  warn: (message: string) => void;
}): SessionHooks {
  const runner = createHookRunner({
    config: o.config,
    cwd: o.workspace,
    env: o.env,
    context: () => ({ session_id: o.threadId(), permission_mode: o.permissionMode() }),
    warn: o.warn,
  });
  const agentHooks: SessionHooks["agentHooks"] = {
    ...(runner.counts.PreToolUse > 0
      ? { beforeTool: (call, signal) => runner.preToolUse(call, signal) }
      : {}),
    ...(runner.counts.PostToolUse > 0
      ? { afterTool: (call, result, signal) => runner.postToolUse(call, result, signal) }
      : {}),
  };
  return {
    runner,
    agentHooks,
    async beforePrompt(text) {
      if (runner.counts.UserPromptSubmit === 0) return { text };
      const d = await runner.userPromptSubmit(text);
      if (d.block !== undefined) return { blocked: d.block };
      return { text: d.context ? `${text}\n\n[UserPromptSubmit hook]\n${d.context}` : text };
    },
    async afterTurn(result) {
      if (runner.counts.Stop === 0) return;
      await runner.stop({
        reason: result.reason,
        ...(result.message ? { lastMessage: result.message.content } : {}),
      });
    },
  };
}

/** The system prompt with what the `SessionStart` hooks printed. */
export async function withStartContext(
  hooks: SessionHooks,
  system: string,
  source: "startup" | "resume",
): Promise<string> {
  if (hooks.runner.counts.SessionStart === 0) return system;
  const context = await hooks.runner.sessionStart(source);
  return context ? `${system}\n\n# From SessionStart hooks\n${context}` : system;
}

/** The result of a turn a `UserPromptSubmit` hook refused: nothing was sent or saved. */
export function blockedTurn(reason: string, emit: SessionListener): TurnResult {
  const error = `prompt blocked by a UserPromptSubmit hook: ${reason}`;
  emit({ type: "agent.error", source: "hook", message: error });
  return { reason: "error", error, messages: [], usage: { inputTokens: 0, outputTokens: 0 } };
}
