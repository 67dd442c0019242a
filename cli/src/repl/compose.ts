/**
 * From what the user typed to what the model gets: `@` mentions attached (mentions.ts), clipboard
 * images pasted as `[Image #N]`, and the output of `!` commands run since the last message, which
 * goes to the model with the next one. `!command` runs here, through the bash tool in the
 * same command sandbox `loom tools call` uses (the user typed the command: when no sandbox can be
 * made, it says so and runs it without one).
 */
import { formatError } from "@loom/runtime/errors";
import type { ImagePart } from "@loom/runtime/llm";
import type { Env } from "@loom/runtime/paths";
import { getModel } from "@loom/runtime/providers/catalogue";
import type { SandboxMode } from "@loom/runtime/sandbox/types";
import { toolOutputText } from "@loom/runtime/tool";
import type { Session } from "../session/session.ts";
import { clipboardImage } from "./clipboard.ts";
import { commandOutput, outputTail } from "./command-output.ts";
import { attachMentions } from "./mentions.ts";
import type { Style } from "./style.ts";

export interface ComposerDeps {
  session(): Promise<Session>;
  /** A line in the conversation's output. */
  print(line: string): void;
  /** A line above the prompt while the user types (keeps the typed text). */
  note(line: string): void;
  style: Style;
  sandboxMode?: SandboxMode;
  env?: Env;
}

export interface Composer {
  /** Ctrl-V: the placeholder to insert for the clipboard's image, or undefined (a note says why). */
  pasteImage(): Promise<string | undefined>;
  /** Runs `!command` and keeps its output for the next message. */
  runShell(command: string, signal: AbortSignal): Promise<void>;
  /** The message to send for `text`. */
  compose(text: string): Promise<{ text: string; images: ImagePart[] }>;
}

const SHELL_TAIL_LINES = 20;

/** Whether the session's model takes images: every catalogue model does; one it lacks is not assumed to. */
export const modelTakesImages = (model: string): boolean => getModel(model) !== undefined;

export function createComposer(deps: ComposerDeps): Composer {
  const { style } = deps;
  const env = deps.env ?? process.env;
  const pending: string[] = [];
  const clip = new Map<string, ImagePart>();
  let shells = 0;

  const listDir = async (rel: string): Promise<string[]> => {
    const s = await deps.session();
    const { walk } = await import("@loom/plugin-fs/walk");
    const names: string[] = [];
    const cut = rel === "" ? 0 : rel.length + 1;
    await walk({
      root: s.workspace,
      start: rel,
      recursive: false,
      visit: (e) => void names.push(e.rel.slice(cut) + (e.kind === "dir" ? "/" : "")),
    });
    return names;
  };

  return {
    async pasteImage() {
      const s = await deps.session().catch(() => undefined);
      if (s && !modelTakesImages(s.model)) {
        deps.note(style.yellow(`${s.model} is not known to take images; nothing pasted`));
        return undefined;
      }
      const got = await clipboardImage(env);
      if (typeof got === "string") {
        deps.note(style.yellow(got));
        return undefined;
      }
      const label = `[Image #${clip.size + 1}]`;
      clip.set(label, got);
      return label;
    },

    async runShell(command, signal) {
      let s: Session;
      try {
        s = await deps.session();
      } catch (e) {
        return deps.print(style.red(formatError(e)));
      }
      const [{ bashTool }, { directCallSandbox }] = await Promise.all([
        import("@loom/plugin-bash/bash"),
        import("../commands/tool-sandbox.ts"),
      ]);
      const config = { ...s.config, agent: { ...s.config.agent, permission_mode: s.permissionMode } };
      const sandbox = directCallSandbox(config, env, deps.sandboxMode, (l) =>
        deps.print(style.yellow(l.trim())),
      );
      let result: string;
      try {
        const r = await bashTool.invoke(
          { command },
          { workspaceRoot: s.workspace, signal, callId: `shell-${++shells}`, sandbox },
        );
        result = toolOutputText(r);
      } catch (e) {
        return deps.print(style.red(formatError(e)));
      }
      const { text, failure } = commandOutput(result);
      for (const line of outputTail(text, SHELL_TAIL_LINES)) deps.print(style.dim(`  │ ${line}`));
      if (failure) deps.print(style.red(`  ✗ ${failure}`));
      if (failure === "cancelled") return;
      const status = failure ?? "exit code 0";
      pending.push(
        `<shell-command command=${JSON.stringify(command)} status="${status}">\n${text.replace(/\s+$/, "")}\n</shell-command>`,
      );
      deps.print(style.dim("  (the model sees this output with your next message)"));
    },

    async compose(text) {
      const s = await deps.session();
      const attached = await attachMentions(text, s.workspace, {
        images: modelTakesImages(s.model),
        listDir,
      });
      for (const n of attached.notes) deps.print(n.startsWith("attached ") ? style.dim(n) : style.yellow(n));
      const images = [...attached.images];
      for (const [label, image] of clip) if (text.includes(label)) images.push(image);
      clip.clear();
      // After the user's words, as attached files are: the thread's title stays what was typed.
      const shellOutputs = pending.splice(0);
      return { text: [attached.text, ...shellOutputs].join("\n\n"), images };
    },
  };
}
