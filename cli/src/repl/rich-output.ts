/**
 * What a terminal REPL shows beyond plain text: Markdown, highlighted code and the status line.
 * Their modules (marked, highlight.js, the file reader for numbered diffs) load with the first
 * turn, never at start-up, so the prompt and idle memory stay as they were; until then, and when
 * stdout is not a terminal, text is shown as it streams.
 */
import type { SessionEvent } from "../session/events.ts";
import type { Session } from "../session/session.ts";
import type { Highlighter } from "./diff-view.ts";
import type { Style } from "./style.ts";

export interface RichOutput {
  /** Loads the renderers (once); never rejects (a failure leaves plain text). */
  load(): Promise<void>;
  readonly ready: boolean;
  /** Lays out a Markdown block for the terminal's current width; undefined before `load` or off a terminal. */
  markdown(): ((source: string) => string[]) | undefined;
  highlight(): Highlighter | undefined;
  /** The text of a file an edit is about to change (workspace-relative), for numbered diffs; undefined before `load`. */
  fileBefore(path: string): string | undefined;
  /** The status line for what runs now; undefined before `load`, without a session, or off a terminal. */
  status(activity: string | undefined): string | undefined;
  /**
   * Follows the session's events: request sizes (for the context figure) and what the model is
   * doing. True when that changed, so the status line should be drawn again.
   */
  event(session: Session, e: SessionEvent): boolean;
  session: Session | undefined;
  /** What the model is doing when no tool runs: `thinking…` (waiting for it), `writing…` (text streams). */
  phase: string | undefined;
}

type Loaded = {
  markdown: typeof import("./markdown-render.ts");
  highlight: typeof import("./highlight.ts");
  status: typeof import("./status-line.ts");
  files: typeof import("./file-before.ts");
  meter: ReturnType<typeof import("./status-line.ts").createUsageMeter>;
};

/** `markdown`: stdout is a terminal; `statusLine`: so is stdin (someone watches the turn). */
export function createRichOutput(
  stdout: { columns?: number },
  style: Style,
  on: { markdown: boolean; statusLine: boolean },
): RichOutput {
  let loaded: Loaded | undefined;
  let loading: Promise<void> | undefined;
  const width = () => stdout.columns || 80;
  const rich: RichOutput = {
    session: undefined,
    phase: undefined,
    get ready() {
      return loaded !== undefined;
    },
    load() {
      loading ??= Promise.all([
        import("./markdown-render.ts"),
        import("./highlight.ts"),
        import("./status-line.ts"),
        import("./file-before.ts"),
      ]).then(
        ([markdown, highlight, status, files]) => {
          loaded = { markdown, highlight, status, files, meter: status.createUsageMeter() };
        },
        () => undefined,
      );
      return loading;
    },
    markdown() {
      const m = loaded?.markdown;
      if (!m || !on.markdown) return undefined;
      return (source) => m.renderMarkdown(source, { width: width(), style });
    },
    highlight() {
      const h = loaded?.highlight;
      if (!h || !style.enabled) return undefined;
      return (code, path) => h.highlightLines(code, h.languageFor(path), true);
    },
    fileBefore(path) {
      const s = rich.session;
      return loaded && s ? loaded.files.readFileBefore(s.workspace, path) : undefined;
    },
    status(activity) {
      const s = rich.session;
      if (!loaded || !s || !on.statusLine) return undefined;
      const info = loaded.status.statusInfo(
        s,
        loaded.meter.context(s.thread.id),
        loaded.meter.totals(s.cost()),
      );
      return loaded.status.formatStatus(info, activity ?? rich.phase, width(), style);
    },
    event(session, e) {
      if (e.type === "llm.usage") loaded?.meter.usage(session.thread.id, e.model, e.usage);
      else if (e.type === "turn.completed") loaded?.meter.turnEnded();
      const before = rich.phase;
      if (e.type === "state.changed" && e.to === "CallingLlm") rich.phase = "thinking…";
      else if (e.type === "agent.text_delta") rich.phase = "writing…";
      else if (e.type === "tool.started" || e.type === "turn.completed") rich.phase = undefined;
      return rich.phase !== before;
    },
  };
  return rich;
}
