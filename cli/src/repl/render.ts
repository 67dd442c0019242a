/**
 * Renders session events on a terminal: the model's text as it streams (or, with `markdown`, as
 * Markdown, a block at a time as each completes), one line per tool call when it starts and when
 * it ends (status, key argument, duration; a numbered diff for edits; the tail of a command's
 * output; the first line of an error), which calls are still running (`running`), and notices
 * (retries, compaction, snapshots). Everything that comes from outside (the model's text and calls,
 * tool output, files, error messages) passes `terminalSafe` first: no escape sequence of theirs reaches
 * the terminal, only Loom's own colours.
 */
import type { SessionEvent } from "../session/events.ts";
import { terminalSafe, terminalSafeDeep } from "../terminal-safe.ts";
import { commandOutput, outputTail } from "./command-output.ts";
import { editPath, type Highlighter, renderDiff } from "./diff-view.ts";
import type { ToolOutput } from "./expand-output.ts";
import { createMarkdownStream, type MarkdownBlock } from "./markdown-stream.ts";
import type { RunningTools } from "./running-tools.ts";
import type { Style } from "./style.ts";
import { formatDuration, keyArgument } from "./tool-display.ts";

export interface Out {
  write(s: string): void;
}

export interface Renderer {
  event(e: SessionEvent): void;
  /** Ends a line the model left open, so the next output starts clean. */
  newline(): void;
  /** The call's diff was shown with its permission question: not again when it completes. */
  previewed(callId: string): void;
}

export interface RenderOptions {
  /** Lays out a Markdown block as lines; absent, or returning undefined, shows the text as it streams. */
  markdown?: () => ((source: string) => string[]) | undefined;
  /** An edit's file before the call (for line numbers in its diff). */
  readFile?: (path: string) => string | undefined;
  /** Colours code in diffs, once loaded. */
  highlight?: () => Highlighter | undefined;
  /** Hears each finished call's whole output (for `/expand`). */
  onOutput?: (output: ToolOutput) => void;
  /** Added to a command's cut tail: how to see all of it (`/expand shows all`). */
  expandHint?: string;
}

/** Lines of a command's output shown when it ends. */
const OUTPUT_TAIL_LINES = 8;

/** What a terminal would leave of a command's output: each line after its last carriage return. */
const settled = (text: string) => text.replace(/\r+\n/g, "\n").replace(/^.*\r/gm, "");

/** True for calls that run a command (their input has a `command` string): their output is shown. */
function isCommand(input: unknown): boolean {
  return (
    typeof input === "object" &&
    input !== null &&
    typeof (input as { command?: unknown }).command === "string"
  );
}

/**
 * `undoHint`: how to revert a snapshot where this renderer is read (the REPL's `/undo` by default).
 * `running`: where to show the calls still running (a status line or a periodic note).
 */
export function createRenderer(
  out: Out,
  style: Style,
  undoHint = "/undo reverts",
  running?: RunningTools,
  options: RenderOptions = {},
): Renderer {
  let midLine = false;
  const inputs = new Map<string, unknown>();
  const befores = new Map<string, string | undefined>();
  const previewed = new Set<string>();
  const markdown = createMarkdownStream();
  /** The last thing written was a Markdown block (a gap before the next one is kept). */
  let afterBlock = false;
  const write = (s: string) => {
    if (s) {
      running?.clear();
      out.write(s);
      midLine = !s.endsWith("\n");
      if (!midLine) running?.draw();
    }
  };
  const blocks = (list: MarkdownBlock[], format: (source: string) => string[]) => {
    for (const b of list) {
      const lines = format(b.source);
      if (lines.length === 0) continue;
      if (midLine) write("\n");
      write(`${b.gap && afterBlock ? "\n" : ""}${lines.join("\n")}\n`);
      afterBlock = true;
    }
  };
  /** Shows the Markdown still held back (before any other output). */
  const flushText = () => {
    const format = options.markdown?.();
    if (format) blocks(markdown.flush(), format);
  };
  const line = (s: string) => {
    flushText();
    afterBlock = false;
    if (midLine) write("\n");
    write(`${s}\n`);
  };

  return {
    newline() {
      flushText();
      if (midLine) write("\n");
    },
    previewed(callId) {
      previewed.add(callId);
    },
    event(e) {
      switch (e.type) {
        case "agent.text_delta": {
          const text = terminalSafe(e.text);
          const format = options.markdown?.();
          if (format) blocks(markdown.push(text), format);
          else write(text);
          return;
        }
        case "tool.started": {
          const input = terminalSafeDeep(e.input);
          const name = terminalSafe(e.name);
          inputs.set(e.callId, input);
          // Read before the call runs: its diff numbers lines as they were.
          const path = editPath(e.input);
          if (path !== undefined && options.readFile) {
            const before = options.readFile(path);
            befores.set(e.callId, before === undefined ? undefined : terminalSafe(before));
          }
          const arg = keyArgument(input);
          running?.started(e.callId, `${name}${arg ? ` ${keyArgument(input, 50)}` : ""}`);
          line(`${style.dim("→")} ${style.bold(name)}${arg ? ` ${arg}` : ""}`);
          return;
        }
        case "tool.progress":
          if (e.progress.message)
            line(style.dim(`  ${terminalSafe(e.name)}: ${terminalSafe(e.progress.message)}`));
          return;
        case "tool.completed": {
          const name = terminalSafe(e.name);
          const result = terminalSafe(e.result);
          const input = inputs.get(e.callId);
          const before = befores.get(e.callId);
          inputs.delete(e.callId);
          befores.delete(e.callId);
          running?.completed(e.callId);
          const arg = keyArgument(input);
          // A command shows how it ended and its last lines (a refusal or tool error is one line, below).
          const raw = isCommand(input) && !/^[A-Z_]+: /.test(e.result) ? commandOutput(e.result) : undefined;
          const command = raw && { ...raw, text: terminalSafe(settled(raw.text)) };
          const failed = e.isError || command?.failure !== undefined;
          const mark = failed ? style.red("✗") : style.green("✓");
          const how = command?.failure ? ` · ${command.failure}` : "";
          line(
            `${mark} ${style.bold(name)}${arg ? ` ${arg}` : ""} ${style.dim(`(${formatDuration(e.durationMs)})`)}${how}`,
          );
          options.onOutput?.({ name, arg, text: command ? command.text : result });
          if (command) {
            const tail = outputTail(command.text, OUTPUT_TAIL_LINES);
            if (options.expandHint && tail[0]?.startsWith("… ")) tail[0] += ` (${options.expandHint})`;
            for (const l of tail) line(style.dim(`  │ ${l}`));
          } else if (e.isError) {
            const first = result.split("\n").find((l) => l.trim()) ?? "";
            line(style.red(`  ${first.length > 200 ? `${first.slice(0, 199)}…` : first}`));
          } else if (!previewed.has(e.callId)) {
            for (const d of renderDiff(input, before, style, options.highlight?.()) ?? []) line(`  ${d}`);
          }
          previewed.delete(e.callId);
          return;
        }
        case "llm.failed":
          if (e.willRetry) {
            line(
              style.yellow(
                `model error: ${terminalSafe(e.error.message)}; retrying in ${formatDuration(e.delayMs ?? 0)} (retry ${e.retries + 1})`,
              ),
            );
          }
          return;
        case "agent.error":
          line(style.red(`error: ${terminalSafe(e.message)}`));
          return;
        case "turn.completed":
          flushText();
          afterBlock = false;
          running?.reset();
          if (e.result.reason === "cancelled") line(style.yellow("cancelled"));
          else if (midLine) write("\n");
          return;
        case "context.compacted":
          line(
            style.yellow(
              `context compacted (${e.stage === "pruned" ? "old tool output pruned" : `summarised, ${e.summarySource === "llm" ? "by the model" : "extract"}`}): ${e.beforeTokens} → ${e.afterTokens} tokens`,
            ),
          );
          return;
        case "undo.recorded":
          line(
            style.dim(
              `snapshot: ${e.entry.files.length} file${e.entry.files.length === 1 ? "" : "s"} changed (${undoHint})`,
            ),
          );
          return;
        case "git.committed":
          line(style.dim(`committed ${e.commit.slice(0, 8)} ${terminalSafe(e.message)}`));
          return;
        case "session.notice":
          line(
            e.level === "warn" ? style.yellow(terminalSafe(e.message)) : style.dim(terminalSafe(e.message)),
          );
          return;
        case "llm.usage":
          // The status line's figures moved.
          if (!midLine) running?.draw();
          return;
        case "state.changed":
        case "agent.message":
        case "thread.saved":
          return;
        default: {
          const never: never = e;
          return never;
        }
      }
    },
  };
}
