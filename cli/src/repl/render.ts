/**
 * Renders session events on a terminal: the model's text as it streams, one line per tool call
 * when it starts and when it ends (status, key argument, duration; a diff for edits; the tail of a
 * command's output; the first line of an error), which calls are still running (`running`), and
 * notices (retries, compaction, snapshots).
 */
import type { SessionEvent } from "../session/events.ts";
import { commandOutput, outputTail } from "./command-output.ts";
import type { RunningTools } from "./running-tools.ts";
import type { Style } from "./style.ts";
import { editDiff, formatDuration, keyArgument, styleDiffLine } from "./tool-display.ts";

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

/** Lines of a command's output shown when it ends. */
const OUTPUT_TAIL_LINES = 8;

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
): Renderer {
  let midLine = false;
  const inputs = new Map<string, unknown>();
  const previewed = new Set<string>();
  const write = (s: string) => {
    if (s) {
      running?.clear();
      out.write(s);
      midLine = !s.endsWith("\n");
      if (!midLine) running?.draw();
    }
  };
  const line = (s: string) => {
    if (midLine) write("\n");
    write(`${s}\n`);
  };

  return {
    newline() {
      if (midLine) write("\n");
    },
    previewed(callId) {
      previewed.add(callId);
    },
    event(e) {
      switch (e.type) {
        case "agent.text_delta":
          write(e.text);
          return;
        case "tool.started": {
          inputs.set(e.callId, e.input);
          const arg = keyArgument(e.input);
          running?.started(e.callId, `${e.name}${arg ? ` ${keyArgument(e.input, 50)}` : ""}`);
          line(`${style.dim("→")} ${style.bold(e.name)}${arg ? ` ${arg}` : ""}`);
          return;
        }
        case "tool.progress":
          if (e.progress.message) line(style.dim(`  ${e.name}: ${e.progress.message}`));
          return;
        case "tool.completed": {
          const input = inputs.get(e.callId);
          inputs.delete(e.callId);
          running?.completed(e.callId);
          const arg = keyArgument(input);
          // A command shows how it ended and its last lines (a refusal or tool error is one line, below).
          const command =
            isCommand(input) && !/^[A-Z_]+: /.test(e.result) ? commandOutput(e.result) : undefined;
          const failed = e.isError || command?.failure !== undefined;
          const mark = failed ? style.red("✗") : style.green("✓");
          const how = command?.failure ? ` · ${command.failure}` : "";
          line(
            `${mark} ${style.bold(e.name)}${arg ? ` ${arg}` : ""} ${style.dim(`(${formatDuration(e.durationMs)})`)}${how}`,
          );
          if (command) {
            for (const l of outputTail(command.text, OUTPUT_TAIL_LINES)) line(style.dim(`  │ ${l}`));
          } else if (e.isError) {
            const first = e.result.split("\n").find((l) => l.trim()) ?? "";
            line(style.red(`  ${first.length > 200 ? `${first.slice(0, 199)}…` : first}`));
          } else if (!previewed.has(e.callId)) {
            for (const d of editDiff(input) ?? []) line(`  ${styleDiffLine(d, style)}`);
          }
          previewed.delete(e.callId);
          return;
        }
        case "llm.failed":
          if (e.willRetry) {
            line(
              style.yellow(
                `model error: ${e.error.message}; retrying in ${formatDuration(e.delayMs ?? 0)} (retry ${e.retries + 1})`,
              ),
            );
          }
          return;
        case "agent.error":
          line(style.red(`error: ${e.message}`));
          return;
        case "turn.completed":
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
          line(style.dim(`committed ${e.commit.slice(0, 8)} ${e.message}`));
          return;
        case "session.notice":
          line(e.level === "warn" ? style.yellow(e.message) : style.dim(e.message));
          return;
        case "state.changed":
        case "agent.message":
        case "llm.usage":
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
