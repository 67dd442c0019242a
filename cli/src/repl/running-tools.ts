/**
 * Shows that tools are still running. On a terminal: one status line under the output, redrawn
 * every second once a call has run for a second (`⋯ bash npm test · 12 s`), cleared before any
 * other output and when the calls end. Elsewhere (piped stderr): a line when a call passes 30 s
 * and every 30 s after, so a log shows the run is alive without a line a second.
 * With a `status` (the REPL's status line), a terminal shows that line for the whole turn, with
 * the running call (and its time once past a second) as its activity.
 */
import type { Out } from "./render.ts";
import type { Style } from "./style.ts";
import { formatDuration } from "./tool-display.ts";

export interface Ticker {
  now(): number;
  /** Calls `fn` every `ms` until the returned function is called; must not keep the process alive. */
  every(ms: number, fn: () => void): () => void;
}

export const systemTicker: Ticker = {
  now: () => Date.now(),
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref?.();
    return () => clearInterval(t);
  },
};

export interface RunningTools {
  started(callId: string, label: string): void;
  completed(callId: string): void;
  /** Before any other output: takes the status line away. */
  clear(): void;
  /** After other output that ended its line: draws the status line again (when due). */
  draw(): void;
  /** While a question is on screen the status line stays away. */
  hold(on: boolean): void;
  /** Forgets every call (the turn ended). */
  reset(): void;
  /** A turn started: with a `status`, its line shows until `reset`. */
  turnStarted(): void;
}

/** The whole status line for what runs now (`bash npm test · 2.0 s`, or undefined); undefined draws nothing. */
export type StatusText = (activity: string | undefined) => string | undefined;

const SHOW_AFTER_MS = 1000;
const LOG_EVERY_MS = 30_000;

export function createRunningTools(
  out: Out,
  style: Style,
  tty: boolean,
  ticker: Ticker = systemTicker,
  status?: StatusText,
): RunningTools {
  const running = new Map<string, { label: string; since: number; logged: number }>();
  let drawn = false;
  let held = false;
  let turn = false;
  let stopTicking: (() => void) | undefined;

  const clear = () => {
    if (!drawn) return;
    out.write("\r\x1b[K");
    drawn = false;
  };
  const draw = () => {
    if (!tty || held) return;
    const [oldest] = [...running.values()].sort((a, b) => a.since - b.since);
    const elapsed = oldest ? ticker.now() - oldest.since : 0;
    const more = running.size > 1 ? ` (+${running.size - 1} more)` : "";
    const activity = oldest
      ? `${oldest.label}${elapsed >= SHOW_AFTER_MS ? ` · ${formatDuration(elapsed)}` : ""}${more}`
      : undefined;
    const line = turn && status ? status(activity) : undefined;
    if (line !== undefined) {
      out.write(`\r\x1b[K${line}`);
      drawn = true;
      return;
    }
    if (!oldest || elapsed < SHOW_AFTER_MS) return;
    out.write(`\r\x1b[K${style.dim(`⋯ ${oldest.label} · ${formatDuration(elapsed)}${more}`)}`);
    drawn = true;
  };
  const log = () => {
    const now = ticker.now();
    for (const call of running.values()) {
      const due = Math.floor((now - call.since) / LOG_EVERY_MS);
      if (due <= call.logged) continue;
      call.logged = due;
      out.write(`${style.dim(`⋯ ${call.label} still running (${formatDuration(due * LOG_EVERY_MS)})`)}\n`);
    }
  };
  const tick = () => (tty ? draw() : log());
  const stop = () => {
    stopTicking?.();
    stopTicking = undefined;
    clear();
  };

  return {
    started(callId, label) {
      running.set(callId, { label, since: ticker.now(), logged: 0 });
      stopTicking ??= ticker.every(tty ? 1000 : 5000, tick);
    },
    completed(callId) {
      running.delete(callId);
      if (running.size === 0) stop();
    },
    clear,
    draw,
    hold(on) {
      held = on;
      if (on) clear();
      else draw();
    },
    reset() {
      running.clear();
      turn = false;
      stop();
    },
    turnStarted() {
      turn = true;
      draw();
    },
  };
}
