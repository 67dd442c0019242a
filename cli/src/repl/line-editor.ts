/**
 * The REPL's line editor on a terminal (raw mode): editing keys, history, multi-line input (a
 * trailing `\`, Alt-Enter or Ctrl-J starts a new line, drawn under a dim `… `), Tab completion with
 * a menu (live while an `@` mention or a slash command is typed), bracketed paste (a large paste
 * collapses to a placeholder, expanded when the input is submitted), Esc, and Ctrl-V for a
 * clipboard image. While no prompt is shown (a turn runs) keys still arrive: Enter queues what was
 * typed, Ctrl-C and Esc are reported, nothing is drawn.
 */
import { type Completion, commonPrefix } from "./completion.ts";
import { type DrawStyle, draw, type MenuState } from "./editor-render.ts";
import { createKeyDecoder, type Key } from "./keys.ts";
import * as B from "./line-buffer.ts";
import type { LineInput } from "./line-input.ts";
import { createPastes } from "./pastes.ts";

export interface LineEditorOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  prompt: string;
  /** Newest first. */
  history: string[];
  style: DrawStyle;
  /** Completion at the cursor (Tab, and live for `@` and `/`). */
  complete?(buf: B.LineBuffer): Promise<Completion | undefined>;
  /** Ctrl-V: a placeholder for a clipboard image to insert, if there is one. */
  pasteImage?(): Promise<string | undefined>;
}

const HISTORY_SIZE = 1000;

export function createLineEditor(opts: LineEditorOptions): LineInput {
  const { stdin, stdout, style } = opts;
  const listeners = new Map<string, ((arg?: string) => void)[]>();
  const emit = (event: string, arg?: string) => {
    for (const l of listeners.get(event) ?? []) l(arg);
  };
  const decoder = createKeyDecoder();
  const pastes = createPastes();
  const history = opts.history.slice(0, HISTORY_SIZE);
  let prompt = opts.prompt;
  let buf = B.EMPTY;
  let active = false;
  let closed = false;
  let cursorRow = 0;
  let menu: MenuState | undefined;
  let historyAt = -1;
  let draft = B.EMPTY;
  let completionSeq = 0;
  let reader: ((key: Key) => void) | undefined;

  const cols = () => Math.max(20, stdout.columns || 80);
  const render = () => {
    if (!active || closed) return;
    const d = draw(prompt, buf, menu, cols(), cursorRow, style);
    cursorRow = d.cursorRow;
    stdout.write(d.out);
  };
  const erase = () => {
    if (!active) return;
    stdout.write(`${cursorRow > 0 ? `\x1b[${cursorRow}A` : ""}\r\x1b[J`);
    cursorRow = 0;
  };

  const edit = (next: B.LineBuffer, live = true) => {
    const changed = next.text !== buf.text;
    buf = next;
    if (changed) {
      historyAt = -1;
      if (live) liveMenu();
    }
    render();
  };

  /** The menu follows an `@` mention or a slash command as it is typed. */
  const liveMenu = () => {
    const token = B.tokenAtCursor(buf);
    const wanted = token.text.startsWith("@") || /^\/\S*$/.test(buf.text.slice(0, buf.cursor));
    if (!wanted || !opts.complete || !active) {
      menu = undefined;
      return;
    }
    void runCompletion((c) => {
      menu = c && c.items.length > 0 ? { completion: c, selected: -1 } : undefined;
      render();
    });
  };

  const runCompletion = async (apply: (c: Completion | undefined) => void) => {
    const seq = ++completionSeq;
    const asked = buf;
    let c: Completion | undefined;
    try {
      c = await opts.complete?.(asked);
    } catch {
      c = undefined;
    }
    // Typing moved on meanwhile: a newer completion will answer.
    if (seq !== completionSeq || asked !== buf || closed) return;
    apply(c);
  };

  const choose = (m: MenuState, index: number) => {
    const item = m.completion.items[index];
    if (!item) return;
    buf = B.replaceRange(buf, m.completion.start, m.completion.end, item.value);
    m.completion = { ...m.completion, end: m.completion.start + item.value.length };
    m.selected = index;
  };

  const accept = (m: MenuState) => {
    menu = undefined;
    const value = m.completion.items[m.selected]?.value ?? "";
    if (!value.endsWith("/") && buf.text[buf.cursor] !== " ") buf = B.insert(buf, " ");
    render();
  };

  const tab = (step: 1 | -1) => {
    if (menu) {
      const n = menu.completion.items.length;
      choose(menu, (menu.selected + step + n) % n);
      if (n === 1) accept(menu);
      else render();
      return;
    }
    void runCompletion((c) => {
      if (!c || c.items.length === 0) return void stdout.write("\x07");
      if (c.items.length === 1) {
        const m = { completion: c, selected: 0 };
        choose(m, 0);
        accept(m);
        return;
      }
      const token = buf.text.slice(c.start, buf.cursor);
      const prefix = c.fuzzy ? "" : commonPrefix(c.items.map((i) => i.value));
      if (prefix.length > token.length) {
        buf = B.replaceRange(buf, c.start, c.end, prefix);
        c = { ...c, end: c.start + prefix.length };
      }
      menu = { completion: c, selected: -1 };
      render();
    });
  };

  const historyMove = (dir: -1 | 1) => {
    const moved = B.verticalMove(buf, dir);
    if (moved) return edit(moved, false);
    if (dir < 0 && historyAt + 1 < history.length) {
      if (historyAt === -1) draft = buf;
      historyAt++;
      buf = B.bufferOf(history[historyAt]!);
    } else if (dir > 0 && historyAt >= 0) {
      historyAt--;
      buf = historyAt === -1 ? draft : B.bufferOf(history[historyAt]!);
    }
    render();
  };

  const submit = () => {
    // A trailing backslash continues the input on a new line.
    const before = buf.text.slice(0, buf.cursor);
    if (before.endsWith("\\") && !before.endsWith("\\\\")) {
      buf = B.replaceRange(buf, buf.cursor - 1, buf.cursor, "\n");
      menu = undefined;
      return render();
    }
    menu = undefined;
    buf = B.bufferOf(buf.text);
    render();
    if (active) stdout.write("\r\n");
    active = false;
    cursorRow = 0;
    const text = pastes.expand(buf.text);
    buf = B.EMPTY;
    historyAt = -1;
    completionSeq++;
    // Answers to questions (a permission's "y") are not history.
    if (prompt === opts.prompt && text.trim() && history[0] !== text) {
      history.unshift(text);
      if (history.length > HISTORY_SIZE) history.pop();
    }
    emit("line", text);
  };

  const onKey = (k: Key) => {
    if (reader) return reader(k);
    if (menu && (k.type === "up" || k.type === "down")) {
      const n = menu.completion.items.length;
      choose(
        menu,
        menu.selected < 0 && k.type === "up" ? n - 1 : (menu.selected + (k.type === "up" ? -1 : 1) + n) % n,
      );
      return render();
    }
    switch (k.type) {
      case "text":
        return edit(B.insert(buf, k.text));
      case "paste":
        return edit(B.insert(buf, pastes.collapse(k.text)), false);
      case "enter":
        if (menu && menu.selected >= 0) return accept(menu);
        return submit();
      case "newline":
        return edit(B.insert(buf, "\n"), false);
      case "tab":
        return tab(1);
      case "shift-tab":
        return tab(-1);
      case "escape":
        if (menu) {
          menu = undefined;
          return render();
        }
        return emit("escape");
      case "ctrl-c":
        return emit("SIGINT");
      case "ctrl-d":
        if (buf.text.length === 0) return close();
        return edit(B.deleteForward(buf));
      case "ctrl-l":
        if (active) stdout.write("\x1b[2J\x1b[H");
        cursorRow = 0;
        return render();
      case "ctrl-o":
        return emit("expand");
      case "ctrl-v":
        if (!opts.pasteImage) return;
        void opts.pasteImage().then((label) => {
          if (label && !closed) edit(B.insert(buf, label), false);
        });
        return;
      case "backspace":
        return edit(B.backspace(buf));
      case "delete":
        return edit(B.deleteForward(buf));
      case "delete-word-back":
        return edit(B.deleteWordBack(buf));
      case "kill-line":
        return edit(B.killLine(buf));
      case "kill-to-start":
        return edit(B.killToStart(buf));
      case "left":
        return edit(B.left(buf), false);
      case "right":
        return edit(B.right(buf), false);
      case "home":
        return edit(B.home(buf), false);
      case "end":
        return edit(B.end(buf), false);
      case "word-left":
        return edit(B.wordLeft(buf), false);
      case "word-right":
        return edit(B.wordRight(buf), false);
      case "up":
        return historyMove(-1);
      case "down":
        return historyMove(1);
      default: {
        const never: never = k;
        return never;
      }
    }
  };

  const onData = (chunk: Buffer | string) => {
    for (const k of decoder.feed(chunk.toString())) onKey(k);
  };
  const onResize = () => render();
  const restore = () => {
    if (stdin.isTTY) stdin.setRawMode(false);
    stdout.write("\x1b[?2004l");
  };

  function close() {
    if (closed) return;
    closed = true;
    stdin.off("data", onData);
    stdout.off("resize", onResize);
    process.off("exit", restore);
    restore();
    stdin.pause();
    emit("close");
  }

  stdin.setRawMode(true);
  stdin.on("data", onData);
  stdin.resume();
  stdout.on("resize", onResize);
  stdout.write("\x1b[?2004h");
  process.on("exit", restore);

  return {
    prompt() {
      if (closed) return;
      active = true;
      cursorRow = 0;
      render();
    },
    setPrompt(p) {
      prompt = p;
    },
    on(event: string, listener: (arg: string) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), (arg) => listener(arg ?? "")]);
    },
    close,
    clear: erase,
    clearLine() {
      const had = buf.text.length > 0;
      buf = B.EMPTY;
      menu = undefined;
      pastes.reset();
      return had;
    },
    takeKeys(r) {
      erase();
      const wasActive = active;
      active = false;
      reader = r;
      return () => {
        reader = undefined;
        if (wasActive) {
          active = true;
          render();
        }
      };
    },
  };
}
