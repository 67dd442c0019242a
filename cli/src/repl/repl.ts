/**
 * The interactive REPL. The prompt appears first; the session (config, provider SDK, tools) is
 * built in the background meanwhile, so start-up stays near Bun's own. Ctrl-C cancels a running
 * turn and keeps the session; Ctrl-C on an empty prompt, Ctrl-D or /exit saves and quits.
 */
import { formatError } from "@loom/runtime/errors";
import type { ToolCall } from "@loom/runtime/llm";
import { stateDir } from "@loom/runtime/paths";
import type { PermissionRequest } from "@loom/runtime/plugins/permissions";
import { VERSION } from "@loom/runtime/version";
import { loadCustomCommands } from "../session/custom-commands.ts";
import type { AskAnswer } from "../session/permissions.ts";
import type { Session, SessionInit } from "../session/session.ts";
import { parseAnswer, permissionPreview, permissionQuestion } from "../session/terminal-ask.ts";
import type { Composer } from "./compose.ts";
import { editPath } from "./diff-view.ts";
import { expandOutput, runPager, type ToolOutput } from "./expand-output.ts";
import { appendHistory, loadHistory } from "./history.ts";
import { createLineAssembler } from "./input.ts";
import { createRenderer } from "./render.ts";
import { createReplInput, editorPickerIo } from "./repl-input.ts";
import { createRichOutput } from "./rich-output.ts";
import { createRunningTools } from "./running-tools.ts";
import { registerCustomCommands, runSlash, SLASH_COMMANDS, type SlashContext } from "./slash.ts";
import { colorEnabled, createStyle } from "./style.ts";
import { formatCost, formatTokens, formatUsage } from "./tool-display.ts";

const PROMPT = "› ";
const CONTINUE = "… ";

export async function startRepl(init: SessionInit): Promise<void> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  const color = colorEnabled(stdout);
  const style = createStyle(color);
  const historyFile = `${stateDir()}/history`;
  // `@` mentions, `!` commands and clipboard images (compose.ts); the editor on a terminal (repl-input.ts).
  // Imported on first use: nothing of it is needed before the prompt.
  let composerReady: Promise<Composer> | undefined;
  const composer = (): Promise<Composer> =>
    (composerReady ??= import("./compose.ts").then((m) =>
      m.createComposer({
        session: () => session(),
        print: (line) => print(line),
        note: (line) => above(line),
        style,
        ...(init.sandboxMode ? { sandboxMode: init.sandboxMode } : {}),
      }),
    ));
  const inputOptions = {
    stdin,
    stdout,
    prompt: PROMPT,
    history: loadHistory(historyFile),
    style,
    color,
    session: () => session(),
    fallbackRoot: init.workspace ?? process.cwd(),
    commands: () => Object.entries(SLASH_COMMANDS).map(([name, c]) => ({ name, help: c.help, args: c.args })),
    pasteImage: async () => (await composer()).pasteImage(),
  };
  const rl = createReplInput(inputOptions);
  const fancy = stdin.isTTY === true && stdout.isTTY === true;
  // Markdown and the status line on a terminal, loaded with the first turn.
  const rich = createRichOutput(stdout, style, { markdown: stdout.isTTY === true, statusLine: fancy });
  // Calls still running: in the status line on a terminal, a note every 30 s when piped.
  const running = createRunningTools(stdout, style, stdout.isTTY === true, undefined, (a) => rich.status(a));
  let lastOutput: ToolOutput | undefined;
  const readBefore = (input: unknown): string | undefined => {
    const path = editPath(input);
    return path !== undefined ? rich.fileBefore(path) : undefined;
  };
  const renderer = createRenderer(stdout, style, undefined, running, {
    markdown: () => rich.markdown(),
    highlight: () => rich.highlight(),
    readFile: (path) => readBefore({ path }),
    onOutput: (o) => {
      lastOutput = o;
    },
    expandHint: fancy ? "/expand or Ctrl-O shows all" : "/expand shows all",
  });
  // A dim "thinking…" on a terminal until the turn shows its first output (in the status line once loaded).
  let thinking = false;
  const clearThinking = () => {
    if (!thinking) return;
    thinking = false;
    stdout.write("\r\x1b[K");
  };
  const QUIET = new Set(["state.changed", "thread.saved", "llm.usage"]);
  const print = (line: string) => {
    clearThinking();
    renderer.newline();
    running.clear();
    stdout.write(`${line}\n`);
  };

  let question: ((answer: string) => void) | undefined;
  let turn: Promise<void> | undefined;
  let closing = false;
  const typeAhead: string[] = [];

  /** Asks on the prompt line; the answer is the next line (Ctrl-C or end of input answers "n"). */
  const askLine = <T>(text: string, parse: (raw: string) => T | undefined, fallback: T): Promise<T> =>
    new Promise((resolve) => {
      if (closing) return resolve(fallback);
      clearThinking();
      renderer.newline();
      running.hold(true);
      question = (raw: string) => {
        const a = parse(raw);
        if (a === undefined) return void rl.prompt();
        question = undefined;
        rl.setPrompt(PROMPT);
        running.hold(false);
        resolve(a);
      };
      rl.setPrompt(style.yellow(text));
      rl.prompt();
    });
  const ask = (call: ToolCall): Promise<AskAnswer> => {
    // What the call would change or run, before the question (not again when it completes).
    const preview = permissionPreview(call, style, {
      fileBefore: readBefore(call.input),
      highlight: rich.highlight(),
    });
    if (preview.length > 0 && !closing) {
      for (const line of preview) print(line);
      renderer.previewed(call.id);
    }
    return askLine(permissionQuestion(call), parseAnswer, "no");
  };
  const consent = (plugin: string, p: PermissionRequest): Promise<boolean> =>
    askLine(
      `Plugin ${plugin} asks for ${p.kind}${p.values.length ? ` (${p.values.join(", ")})` : ""}; allow for this session? [y/n] `,
      (raw) => (/^y(es)?$/i.test(raw.trim()) ? true : /^(n(o)?)?$/i.test(raw.trim()) ? false : undefined),
      false,
    );

  const askContinue = (steps: number): Promise<boolean> =>
    askLine(
      `The turn made ${steps} model requests (the max_steps limit). Continue for up to ${steps} more? [y/n] `,
      (raw) => (/^y(es)?$/i.test(raw.trim()) ? true : /^(n(o)?)?$/i.test(raw.trim()) ? false : undefined),
      false,
    );

  const yesNo = (raw: string) =>
    /^y(es)?$/i.test(raw.trim()) ? true : /^(n(o)?)?$/i.test(raw.trim()) ? false : undefined;
  const askUnsandboxed = (reason: string): Promise<boolean> => {
    print(style.yellow(`No sandbox can be made here: ${reason}.`));
    return askLine("Run the agent's commands without a sandbox for this session? [y/n] ", yesNo, false);
  };
  const askOutside = (command: string, denial: string): Promise<boolean> => {
    print(style.yellow(`The sandbox refused: ${command.split("\n")[0]}`));
    print(style.dim(denial));
    return askLine("Run this command once outside the sandbox? [y/n] ", yesNo, false);
  };

  const where = init.workspace ?? process.cwd();
  // The user's Markdown commands join the registry (help, completion) before the first prompt.
  const custom = loadCustomCommands(where, process.env);
  const skipped = [...custom.warnings, ...registerCustomCommands(custom.commands)];
  const tag = init.isPrivate ? " · private (never synced)" : "";
  const banner = () =>
    stdout.write(`${style.bold("loom")} ${VERSION} ${style.dim(`· ${where}${tag} · /help for commands`)}\n`);
  /** The banner's second line, once the session knows them: model, provider and permission mode. */
  const sessionLine = (s: Session) => style.dim(`${s.model} (${s.provider}) · ${s.permissionMode} mode`);
  // A new session at a terminal prompts at once; a resumed one first shows where the conversation
  // stands, and draws nothing at all when there is nothing to resume. Piped input has nobody
  // waiting for the prompt: the banner comes whole once the session is ready.
  if (!init.resume && stdin.isTTY) {
    banner();
    rl.prompt();
  }

  /**
   * Renders the session's events. The first subscriber receives the session's start-up notices (a
   * typo in tools.disabled): callers attach right after the session line, above the prompt, never
   * over it.
   */
  const attach = (s: Session) => {
    rich.session = s;
    const off = s.on((e) => {
      const changed = rich.event(s, e);
      if (!QUIET.has(e.type)) clearThinking();
      renderer.event(e);
      if (changed) running.draw();
    });
    for (const line of skipped.splice(0)) print(style.yellow(line));
    return off;
  };

  let sessionError: unknown;
  let exitCode = 0;
  // The session starts after the prompt is drawn: a line it has to show goes above the prompt.
  const above = (line: string) => {
    if (closing) return;
    if (!stdout.isTTY) return void process.stderr.write(`loom: ${line}\n`);
    rl.clear();
    print(line.includes("\x1b[") ? line : style.yellow(line));
    if (stdin.isTTY && !turn && !question) rl.prompt(true);
  };
  const sessionReady: Promise<Session> = import("../session/session.ts").then((m) =>
    m.createSession({
      ...init,
      surface: "repl",
      ask: (call) => ask(call),
      consent,
      askContinue,
      askUnsandboxed,
      askOutside,
      onWarning: (w) => above(`plugin warning: ${w}`),
    }),
  );
  sessionReady.then(
    (s) => {
      if (exiting) return void attach(s);
      // A resumed thread draws its banner, session line and notices when it shows the thread.
      if (init.resume) return;
      if (!stdin.isTTY) {
        banner();
        stdout.write(`${sessionLine(s)}\n`);
        attach(s);
        if (!closing) rl.prompt();
      } else if (!turn && !question) {
        // Above the prompt, keeping what was typed (as the session's error would be).
        rl.clear();
        stdout.write(`${sessionLine(s)}\n`);
        attach(s);
        rl.prompt(true);
      } else {
        print(sessionLine(s));
        attach(s);
      }
    },
    (e) => {
      sessionError = e;
      // A REPL whose session never started has failed, whatever is typed afterwards.
      exitCode = 1;
      // Say it now (above the prompt, keeping what was typed), not only at the first message.
      if (init.resume || closing) return;
      if (stdin.isTTY) rl.clear();
      stdout.write(`${style.red(formatError(e))}\n`);
      if (stdin.isTTY && !turn && !question) rl.prompt(true);
    },
  );
  const session = async (): Promise<Session> => {
    try {
      return await sessionReady;
    } catch {
      throw sessionError;
    }
  };

  const showThread = (s: Session) => {
    const t = s.thread;
    print(style.dim(`thread ${t.id} · ${t.messages.length} messages · ${s.model}`));
    const tail = t.messages.filter((m) => m.role !== "tool" && m.content.trim()).slice(-4);
    for (const m of tail) {
      const text = m.content.trim().split("\n").slice(0, 6).join("\n");
      const cut = m.role === "assistant" && m.interrupted ? style.dim(" (interrupted)") : "";
      print(m.role === "user" ? `${style.cyan(PROMPT)}${text}` : `${text}${cut}`);
    }
  };

  let exiting: Promise<void> | undefined;
  const exit = (): Promise<void> => {
    exiting ??= (async () => {
      closing = true;
      rl.close();
      try {
        const s = await sessionReady.catch(() => undefined);
        if (s) {
          if (turn) s.cancel();
          await turn;
          await s.close();
          if (s.thread.messages.length > 0)
            print(style.dim(`saved ${s.thread.id} · resume with: loom resume ${s.thread.id}`));
        }
      } finally {
        process.exit(exitCode);
      }
    })();
    return exiting;
  };

  const slashContext: SlashContext = {
    session,
    print,
    style,
    exit: () => void exit(),
    showThread,
    width: () => stdout.columns ?? 80,
    runPrompt: (text, options) => runTurn(text, options),
    expand: () =>
      expandOutput(lastOutput, {
        print,
        dim: style.dim,
        ...(fancy
          ? { rows: stdout.rows ?? 24, page: (text: string) => runPager(text, process.env, stdin) }
          : {}),
      }),
  };
  const pickerIo = editorPickerIo(rl, inputOptions);
  if (pickerIo)
    slashContext.pickThread = async (threads) =>
      (await import("./thread-picker.ts")).pickThread(threads, pickerIo);

  /** Set by Ctrl-C while a submitted turn still waits for the session to be ready. */
  let cancelBeforeStart = false;
  const runTurn = async (text: string, options?: { tools?: readonly string[] }) => {
    let s: Session;
    cancelBeforeStart = false;
    try {
      s = await session();
    } catch (e) {
      print(style.red(formatError(e)));
      return;
    }
    if (cancelBeforeStart) {
      print(style.yellow("cancelled"));
      return;
    }
    try {
      // Mentions are attached (and their notes printed) before the turn starts.
      const message = await (await composer()).compose(text);
      if (cancelBeforeStart) return void print(style.yellow("cancelled"));
      await rich.load();
      if (fancy && rich.ready) {
        rich.phase = "thinking…";
        running.turnStarted();
      } else if (fancy) {
        stdout.write(style.dim("thinking…"));
        thinking = true;
      }
      const result = await s.send(message.text, message.images, options);
      clearThinking();
      renderer.newline();
      const { usage, costUsd, costPartial } = s.cost();
      const cost = costUsd === undefined ? "" : ` · ${formatCost(costUsd, costPartial)} total`;
      const extra = result.reason === "error" ? style.red(` · ${result.error ?? "failed"}`) : "";
      print(
        style.dim(
          `${formatUsage(result.usage)} (thread ${formatTokens(usage.inputTokens + usage.outputTokens)})${cost}`,
        ) + extra,
      );
    } catch (e) {
      print(style.red(formatError(e)));
    }
  };

  /** `!command`: runs it (Ctrl-C or Esc stops it); its output goes to the model with the next message. */
  let shellAbort: AbortController | undefined;
  const runShell = async (command: string) => {
    shellAbort = new AbortController();
    try {
      await (await composer()).runShell(command, shellAbort.signal);
    } finally {
      shellAbort = undefined;
    }
  };

  const submit = (raw: string) => {
    const text = raw.trim();
    if (turn) {
      if (text) typeAhead.push(text);
      return;
    }
    if (!text) {
      if (!closing) rl.prompt();
      return;
    }
    appendHistory(historyFile, text);
    turn = (
      text.startsWith("/") && !text.includes("\n")
        ? runSlash(text, slashContext)
        : text.startsWith("!") && text.length > 1
          ? runShell(text.slice(1).trim())
          : runTurn(text)
    ).finally(afterTurn);
  };
  function afterTurn() {
    turn = undefined;
    if (exiting) return;
    const next = typeAhead.shift();
    if (next !== undefined) submit(next);
    else if (!closing) {
      rl.setPrompt(PROMPT);
      rl.prompt();
    } else void exit();
  }
  // Piped input is one input per line; the editor joins a terminal's pastes itself (readline on a
  // terminal whose output is not one still gets lines in a burst).
  const lines = createLineAssembler(submit, stdin.isTTY && !stdout.isTTY ? 8 : 0);

  rl.on("line", (line) => {
    if (question) return question(line);
    if (turn && !lines.open) {
      if (line.trim()) typeAhead.push(line.trim());
      return;
    }
    const open = lines.push(line);
    if (open) {
      rl.setPrompt(CONTINUE);
      rl.prompt();
    } else rl.setPrompt(PROMPT);
  });

  // Ctrl-O at the prompt: the last tool call's whole output, as /expand.
  rl.on("expand", () => {
    if (turn || question || closing) return;
    rl.clear();
    slashContext.expand?.();
    rl.prompt(true);
  });

  /** Ctrl-C or Esc: answers a question "no" and cancels the running turn; false when there is neither. */
  const interrupt = (): boolean => {
    if (question) {
      question("n");
      void session().then((s) => s.cancel());
      return true;
    }
    if (turn) {
      cancelBeforeStart = true;
      shellAbort?.abort();
      void session().then(
        (s) => s.cancel(),
        () => undefined,
      );
      return true;
    }
    return false;
  };
  rl.on("escape", () => void interrupt());

  rl.on("SIGINT", () => {
    if (interrupt()) return;
    const assembled = lines.clear();
    const typed = rl.clearLine();
    if (assembled || typed) {
      stdout.write("\n");
      rl.setPrompt(PROMPT);
      rl.prompt();
      return;
    }
    stdout.write("\n");
    void exit();
  });

  rl.on("close", () => {
    if (closing) return;
    closing = true;
    if (stdin.isTTY) stdout.write("\n");
    question?.("n");
    // Input ended (Ctrl-D or end of piped input): finish what is running, then save and quit.
    const wait = async () => {
      for (let i = 0; i < 10_000 && (turn || lines.open || typeAhead.length > 0); i++) {
        if (turn) await turn.catch(() => undefined);
        else await Bun.sleep(10);
      }
      await exit();
    };
    void wait();
  });

  if (init.resume) {
    // Lines typed while the thread loads wait in typeAhead, as during a turn.
    turn = session()
      .then(
        (s) => {
          banner();
          stdout.write(`${sessionLine(s)}\n`);
          attach(s);
          showThread(s);
        },
        (e) => {
          // Nothing to continue: the one-line error on stderr, as for any command that cannot start.
          process.stderr.write(`loom: ${formatError(e)}\n`);
          exitCode = 1;
          closing = true;
        },
      )
      .finally(afterTurn);
  }

  await new Promise<void>(() => {
    // Runs until exit() ends the process.
  });
}
