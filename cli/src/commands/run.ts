/**
 * `loom run "<task>"`: one task, headless, to completion. Text goes to stdout, tool lines and
 * notices to stderr; `--json` prints one JSON event per line instead. Exit 0 when the model
 * finished, 1 on failure, 3 when it finished but tool calls were refused permission, 130 when
 * interrupted (143 for SIGTERM).
 */

import { formatError } from "@loom/runtime/errors";
import { defineCommand } from "citty";
import { ExitError, UsageError } from "../cli.ts";
import { readFileBefore } from "../repl/file-before.ts";
import { createRenderer } from "../repl/render.ts";
import { createRunningTools } from "../repl/running-tools.ts";
import { colorEnabled, createStyle } from "../repl/style.ts";
import { formatCost, formatUsage } from "../repl/tool-display.ts";
import type { SessionEvent } from "../session/events.ts";
import { sessionInitFromArgs } from "../session/from-args.ts";
import { sessionArgs } from "../session/global-flags.ts";
import { createHeadlessText } from "../session/headless-text.ts";
import { toJsonEvent } from "../session/json-events.ts";
import { refusedCalls } from "../session/refused-calls.ts";
import { fdOut, isTty, stdoutStream } from "../std-out.ts";

/** Exit code of a run that finished with tool calls refused permission. */
const EXIT_PERMISSION_DENIED = 3;

const STEP_LIMIT_HINT = "; raise the limit with --max-steps N or [agent] max_steps (0 = no limit)";

export default defineCommand({
  meta: {
    name: "run",
    description: 'Run one task headless: loom run "fix the failing test" (use - to read it from stdin)',
  },
  args: {
    task: { type: "positional", required: false, description: 'The task ("-" reads it from stdin)' },
    ...sessionArgs,
    json: { type: "boolean", description: "Print one JSON event per line" },
    resume: { type: "string", description: "Continue a thread (id, or 'last' for this workspace)" },
    private: { type: "boolean", description: "Keep the thread on this machine (never synced)" },
  },
  async run({ args }) {
    const positional = (args._ as string[]).join(" ").trim();
    if (!positional) throw new UsageError('give a task: loom run "<task>" (or - to read it from stdin)');
    const task = positional === "-" ? (await Bun.stdin.text()).trim() : positional;
    if (!task) throw new UsageError("the task read from stdin is empty");
    const json = args.json === true;
    // Through file descriptors, not process.stdout: see std-out.ts.
    const stdout = fdOut(1);
    const stderr = fdOut(2);
    const emitJson = (o: unknown) => stdout.write(`${JSON.stringify(o)}\n`);

    const init = sessionInitFromArgs(args);
    if (typeof args.resume === "string") init.resume = args.resume;
    if (args.private) init.isPrivate = true;
    // Ask only when a person is at a terminal and stdin is not carrying the task.
    const style = createStyle(colorEnabled(stderr));
    // Calls still running: a live status line at a terminal, a note every 30 s in a log.
    const running = json ? undefined : createRunningTools(stderr, style, stderr.isTTY);
    // Edits' diffs are numbered from the file as it was (read once the session knows its workspace).
    let workspace: string | undefined;
    const side = createRenderer(stderr, style, "loom undo reverts", running, {
      readFile: (path) => (workspace === undefined ? undefined : readFileBefore(workspace, path)),
    });
    if (!json && positional !== "-" && stderr.isTTY && isTty(0)) {
      init.ask = async (call, tool) => {
        side.newline();
        side.previewed(call.id);
        running?.hold(true);
        try {
          // Loaded here: node:readline is needed only at a terminal.
          const { askOnTerminal } = await import("../session/terminal-ask.ts");
          return await askOnTerminal(call, tool, style);
        } finally {
          running?.hold(false);
        }
      };
      const askYesNo = async (lines: string[], question: string) => {
        side.newline();
        running?.hold(true);
        try {
          const { askYesNoOnTerminal } = await import("../session/terminal-ask.ts");
          return await askYesNoOnTerminal(lines, style.yellow(question));
        } finally {
          running?.hold(false);
        }
      };
      init.askUnsandboxed = (reason) =>
        askYesNo(
          [`No sandbox can be made here: ${reason}.`],
          "Run the agent's commands without a sandbox for this run? [y/n] ",
        );
      init.askOutside = (command, denial) =>
        askYesNo(
          [`The sandbox refused: ${command.split("\n")[0]}`, style.dim(denial)],
          "Run this command once outside the sandbox? [y/n] ",
        );
    }

    const { createSession } = await import("../session/session.ts");
    let session: Awaited<ReturnType<typeof createSession>>;
    try {
      session = await createSession({ ...init, surface: "run" });
      workspace = session.workspace;
    } catch (e) {
      if (json) emitJson({ type: "final", reason: "error", error: formatError(e) });
      stderr.write(`loom: ${formatError(e)}\n`);
      throw new ExitError(1);
    }

    // At a terminal the answer is laid out as Markdown (loaded only then); piped, it is the text as is.
    let markdown: ((source: string) => string[]) | undefined;
    if (!json && stdout.isTTY) {
      const { renderMarkdown } = await import("../repl/markdown-render.ts");
      const textStyle = createStyle(colorEnabled(stdout));
      markdown = (source) =>
        renderMarkdown(source, { width: stdoutStream().columns || 80, style: textStyle });
    }
    const text = createHeadlessText(
      createRenderer(stdout, createStyle(false), undefined, undefined, { markdown: () => markdown }),
      stdout.isTTY,
    );
    // `start` comes first; subscribing replays the session's start-up notices after it.
    if (json)
      emitJson({
        type: "start",
        threadId: session.thread.id,
        workspace: session.workspace,
        provider: session.provider,
        model: session.model,
      });
    let stepLimitHit = false;
    const refused = refusedCalls();
    session.on((e: SessionEvent) => {
      if (e.type === "agent.error" && e.source === "step_limit") stepLimitHit = true;
      refused.event(e);
      if (json) {
        const out = toJsonEvent(e);
        if (out) emitJson(out);
      } else if (!text.event(e)) {
        // The turn's own error is the run's last line (below), said once.
        if (e.type === "agent.error" && e.source !== "hook") return;
        side.event(e);
      }
    });

    // Ctrl-C (or a SIGTERM from `timeout`, CI, a supervisor) cancels the turn: tools kill what they
    // started, the thread is saved, `final` says cancelled. A second signal exits at once.
    let interrupts = 0;
    let cancelExit = 130;
    const onSignal = (signal: NodeJS.Signals) => {
      cancelExit = signal === "SIGTERM" ? 143 : 130;
      if (++interrupts > 1) process.exit(cancelExit);
      session.cancel();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      let result: Awaited<ReturnType<typeof session.send>>;
      try {
        result = await session.send(task);
      } catch (e) {
        // The turn could not run or be saved: say so once, release the session, exit 1.
        if (json)
          emitJson({ type: "final", reason: "error", error: formatError(e), threadId: session.thread.id });
        stderr.write(`loom: ${formatError(e)}\n`);
        await session.close().catch(() => undefined);
        throw new ExitError(1);
      }
      const { usage, costUsd, costPartial } = session.cost();
      if (json) {
        emitJson({
          type: "final",
          reason: result.reason,
          text: result.message?.content ?? "",
          threadId: session.thread.id,
          usage: result.usage,
          costUsd: costUsd ?? null,
          ...(costPartial ? { costPartial: true } : {}),
          ...(refused.count > 0 ? { permissionDenied: refused.count } : {}),
          ...(result.error ? { error: result.error } : {}),
        });
      } else {
        const cost = costUsd === undefined ? "" : ` · ${formatCost(costUsd, costPartial)}`;
        stderr.write(style.dim(`${session.thread.id} · ${formatUsage(usage, " / ")}${cost}\n`));
      }
      await session.close();
      if (result.reason === "end_turn" && refused.count > 0) {
        // The model finished, but without what it was refused: not a success a script should trust.
        if (!json) stderr.write(`loom: ${refused.summary()}\n`);
        throw new ExitError(EXIT_PERMISSION_DENIED);
      }
      if (result.reason === "end_turn") return;
      if (!json && result.error)
        stderr.write(`loom: ${result.error}${stepLimitHit ? STEP_LIMIT_HINT : ""}\n`);
      throw new ExitError(result.reason === "cancelled" ? cancelExit : 1);
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
});
