/**
 * Team mode honours the team server's kill switches mid-session: a call to a tool whose
 * `tool.<name>.disabled` switch is on is refused with a message the model can read, a model call
 * whose `model.<id>.disabled` switch is on fails with one line, and each switch turning on or off is
 * a session notice. Local mode (no `[server] url` or no token) has no gate.
 */
import type { LoomConfig } from "@loom/runtime/config/schema";
import { type LlmClient, LlmError, type LlmRequest } from "@loom/runtime/llm";
import type { Env } from "@loom/runtime/paths";
import {
  type KillSwitchWatch,
  modelSwitchKey,
  type SwitchState,
  toolSwitchKey,
  watchKillSwitches,
} from "@loom/runtime/sync/kill-switches";
import type { Tool } from "@loom/runtime/tool";
import { serverToken } from "./server-token.ts";

/** How long session start waits for the switches' first state (then it goes on; they apply when they come). */
const READY_WAIT_MS = 3000;

export interface KillSwitchGate {
  wrapTool(tool: Tool): Tool;
  wrapLlm(llm: LlmClient): LlmClient;
  /** Resolves when the first state has arrived (or after a few seconds). */
  ready(): Promise<void>;
  close(): void;
}

const because = (s: SwitchState) => (s.reason ? ` (reason: ${s.reason})` : "");

export function describeSwitch(s: SwitchState): string | undefined {
  const m = /^(tool|model)\.(.+)\.disabled$/.exec(s.key);
  if (!m) return undefined;
  const what = `${m[1]} ${m[2]}`;
  return s.active
    ? `your team turned off ${what} (kill switch ${s.key})${because(s)}; calls to it are refused`
    : `kill switch ${s.key} is off again: ${what} can be used`;
}

export function toolRefusal(name: string, s: SwitchState): string {
  return `TOOL_DISABLED: ${name} is turned off by your team's kill switch ${s.key}${because(s)}. Do not call it again; use another way or tell the user.`;
}

export function modelRefusal(model: string, s: SwitchState): string {
  return `model ${model} is turned off by your team's kill switch ${s.key}${because(s)}; choose another model (/model)`;
}

export function gateWith(watch: Pick<KillSwitchWatch, "active">) {
  const checkModel = (req: LlmRequest) => {
    const s = watch.active(modelSwitchKey(req.model));
    if (s) throw new LlmError("permanent", modelRefusal(req.model, s));
  };
  return {
    wrapTool(tool: Tool): Tool {
      return {
        ...tool,
        invoke: async (input, ctx) => {
          const s = watch.active(toolSwitchKey(tool.name));
          if (s) return { output: toolRefusal(tool.name, s), isError: true };
          return tool.invoke(input, ctx);
        },
      };
    },
    wrapLlm(llm: LlmClient): LlmClient {
      return {
        provider: llm.provider,
        ...(llm.warm ? { warm: () => llm.warm?.() } : {}),
        async complete(req, opts) {
          checkModel(req);
          return llm.complete(req, opts);
        },
        async *stream(req, opts) {
          checkModel(req);
          yield* llm.stream(req, opts);
        },
      };
    },
  };
}

export function createKillSwitchGate(
  config: LoomConfig,
  env: Env,
  o: { notice(message: string): void; log(message: string): void; fetch?: typeof fetch },
): KillSwitchGate | undefined {
  const serverUrl = config.server.url;
  const token = serverUrl ? serverToken(serverUrl, env) : undefined;
  if (!serverUrl || !token) return undefined;
  let toldError = false;
  const watch = watchKillSwitches({
    serverUrl,
    token,
    ...(config.server.flags_org ? { orgs: [config.server.flags_org] } : {}),
    environment: config.server.flags_environment,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    onChange(s) {
      const line = describeSwitch(s);
      if (line) o.notice(line);
    },
    onError(message) {
      o.log(message);
      if (toldError) return;
      toldError = true;
      o.notice(`team kill switches are not being followed for now: ${message}`);
    },
  });
  return {
    ...gateWith(watch),
    ready: () =>
      Promise.race([
        watch.ready,
        new Promise<void>((r) => {
          setTimeout(r, READY_WAIT_MS).unref?.();
        }),
      ]),
    close: () => watch.close(),
  };
}
