/**
 * `loom run "<task>"`: one task, headless, to completion. Text goes to stdout, tool lines and
 * notices to stderr; `--json` prints one JSON event per line instead. Exit 0 when the model
 * finished, 1 on failure, 130 when interrupted (143 for SIGTERM).
 */
import { formatError } from "@loom/runtime/errors";
import { defineCommand } from "citty";
import { ExitError, UsageError } from "../cli.ts";
import { createRenderer } from "../repl/render.ts";
import { colorEnabled, createStyle } from "../repl/style.ts";
import { formatCost, formatTokens } from "../repl/tool-display.ts";
import type { SessionEvent } from "../session/events.ts";
import { sessionInitFromArgs } from "../session/from-args.ts";
import { sessionArgs } from "../session/global-flags.ts";
import { createHeadlessText } from "../session/headless-text.ts";
import { toJsonEvent } from "../session/json-events.ts";
import { askOnTerminal } from "../session/terminal-ask.ts";

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
    const emitJson = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

    const init = sessionInitFromArgs(args);
    if (typeof args.resume === "string") init.resume = args.resume;
    if (args.private) init.isPrivate = true;
    // Ask only when a person is at a terminal and stdin is not carrying the task.
    if (!json && positional !== "-" && process.stdin.isTTY && process.stderr.isTTY) init.ask = askOnTerminal;

    const { createSession } = await import("../session/session.ts");
    let session: Awaited<ReturnType<typeof createSession>>;
    try {
      session = await createSession(init);
    } catch (e) {
      if (json) emitJson({ type: "final", reason: "error", error: formatError(e) });
      process.stderr.write(`loom: ${formatError(e)}\n`);
      throw new ExitError(1);
    }

    const style = createStyle(colorEnabled(process.stderr));
    const text = createHeadlessText(
      createRenderer(process.stdout, createStyle(false)),
      process.stdout.isTTY === true,
    );
    const side = createRenderer(process.stderr, style, "loom undo reverts");
    // `start` comes first; subscribing delivers the session's start-up notices after it.
    if (json)
      emitJson({
        type: "start",
        threadId: session.thread.id,
        workspace: session.workspace,
        provider: session.provider,
        model: session.model,
      });
    session.on((e: SessionEvent) => {
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
        process.stderr.write(`loom: ${formatError(e)}\n`);
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
          ...(result.error ? { error: result.error } : {}),
        });
      } else {
        const cost = costUsd === undefined ? "" : ` · ${formatCost(costUsd, costPartial)}`;
        process.stderr.write(
          style.dim(
            `${session.thread.id} · ${formatTokens(usage.inputTokens)} in / ${formatTokens(usage.outputTokens)} out${cost}\n`,
          ),
        );
      }
      await session.close();
      if (result.reason === "end_turn") return;
      if (!json && result.error) process.stderr.write(`loom: ${result.error}\n`);
      throw new ExitError(result.reason === "cancelled" ? cancelExit : 1);
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
});
