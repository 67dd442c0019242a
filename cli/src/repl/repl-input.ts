/**
 * The REPL's input, wired: the line editor on a terminal, with completion from the slash-command
 * registry and the session (imported on first use, so the prompt's start-up stays light) and
 * Ctrl-V images through the composer; readline when stdin or stdout is not a terminal.
 */
import type { Session } from "../session/session.ts";
import type { CommandInfo, CompletionSources } from "./completion.ts";
import { inverseOf } from "./editor-render.ts";
import type { LineBuffer } from "./line-buffer.ts";
import { createLineEditor } from "./line-editor.ts";
import { type LineInput, readlineInput } from "./line-input.ts";
import type { PickerIo } from "./picker.ts";
import type { Style } from "./style.ts";

export interface ReplInputOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  prompt: string;
  history: string[];
  style: Style;
  color: boolean;
  session(): Promise<Session>;
  /** The workspace when the session could not start. */
  fallbackRoot: string;
  commands(): CommandInfo[];
  pasteImage(): Promise<string | undefined>;
}

export function createReplInput(o: ReplInputOptions): LineInput {
  if (o.stdin.isTTY !== true || o.stdout.isTTY !== true)
    return readlineInput({
      input: o.stdin,
      output: o.stdout,
      history: o.history,
      prompt: o.prompt,
      terminal: o.stdin.isTTY === true,
    });
  let sources: CompletionSources | undefined;
  const complete = async (buf: LineBuffer) => {
    const [{ complete: run }, { liveCompletionSources }] = await Promise.all([
      import("./completion.ts"),
      import("./completion-sources.ts"),
    ]);
    sources ??= liveCompletionSources({
      session: o.session,
      fallbackRoot: o.fallbackRoot,
      commands: o.commands,
    });
    return run(buf, sources);
  };
  return createLineEditor({
    stdin: o.stdin,
    stdout: o.stdout,
    prompt: o.prompt,
    history: o.history,
    style: { dim: o.style.dim, inverse: inverseOf(o.color) },
    complete,
    pasteImage: o.pasteImage,
  });
}

/** A picker inside the REPL: keys come from the editor while it is shown. */
export function editorPickerIo(
  input: LineInput,
  o: Pick<ReplInputOptions, "stdout" | "style" | "color">,
): PickerIo | undefined {
  const take = input.takeKeys;
  if (!take) return undefined;
  return {
    write: (s) => void o.stdout.write(s),
    columns: () => o.stdout.columns || 80,
    dim: o.style.dim,
    inverse: inverseOf(o.color),
    keys: (fn) => take(fn),
  };
}
