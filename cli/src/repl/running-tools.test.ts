import { describe, expect, test } from "bun:test";
import { createRunningTools, type Ticker } from "./running-tools.ts";
import { createStyle } from "./style.ts";

/** A ticker whose time moves only when told; `tick()` runs the repeating callback once. */
function manualTicker() {
  let now = 0;
  let fn: (() => void) | undefined;
  const ticker: Ticker = {
    now: () => now,
    every(_ms, f) {
      fn = f;
      return () => {
        fn = undefined;
      };
    },
  };
  return {
    ticker,
    advance(ms: number) {
      now += ms;
      fn?.();
    },
    get ticking() {
      return fn !== undefined;
    },
  };
}

const plain = createStyle(false);

describe("on a terminal", () => {
  test("a status line appears after a second, counts up, names the others, and goes when they end", () => {
    const out: string[] = [];
    const clock = manualTicker();
    const r = createRunningTools({ write: (s) => out.push(s) }, plain, true, clock.ticker);
    r.started("a", "bash npm test");
    clock.advance(500);
    expect(out).toEqual([]);
    clock.advance(700);
    expect(out.at(-1)).toBe("\r\x1b[K⋯ bash npm test · 1.2 s");
    r.started("b", "grep foo");
    clock.advance(1000);
    expect(out.at(-1)).toBe("\r\x1b[K⋯ bash npm test · 2.2 s (+1 more)");
    r.completed("a");
    r.completed("b");
    expect(out.at(-1)).toBe("\r\x1b[K");
    expect(clock.ticking).toBe(false);
  });

  test("other output clears it first; a question holds it away", () => {
    const out: string[] = [];
    const clock = manualTicker();
    const r = createRunningTools({ write: (s) => out.push(s) }, plain, true, clock.ticker);
    r.started("a", "bash make");
    clock.advance(2000);
    r.clear();
    expect(out.at(-1)).toBe("\r\x1b[K");
    r.hold(true);
    out.length = 0;
    clock.advance(1000);
    r.draw();
    expect(out).toEqual([]);
    r.hold(false);
    expect(out.at(-1)).toBe("\r\x1b[K⋯ bash make · 3.0 s");
    r.reset();
    expect(clock.ticking).toBe(false);
  });
});

test("in a log, a line when a call passes 30 s and every 30 s after, nothing in between", () => {
  const out: string[] = [];
  const clock = manualTicker();
  const r = createRunningTools({ write: (s) => out.push(s) }, plain, false, clock.ticker);
  r.started("a", "bash long-job");
  for (let t = 0; t < 65; t++) clock.advance(1000);
  expect(out).toEqual([
    "⋯ bash long-job still running (30.0 s)\n",
    "⋯ bash long-job still running (1 min 0 s)\n",
  ]);
  r.completed("a");
  expect(clock.ticking).toBe(false);
});

describe("with the REPL's status line", () => {
  test("the line shows for the whole turn, with the running call as its activity, and goes at the end", () => {
    const out: string[] = [];
    const clock = manualTicker();
    const seen: Array<string | undefined> = [];
    const status = (activity: string | undefined) => {
      seen.push(activity);
      return `[${activity ?? "idle"}]`;
    };
    const r = createRunningTools({ write: (s) => out.push(s) }, plain, true, clock.ticker, status);
    r.draw();
    expect(out).toEqual([]);
    r.turnStarted();
    expect(out).toEqual(["\r\x1b[K[idle]"]);
    r.started("a", "bash make");
    r.clear();
    r.draw();
    expect(out.at(-1)).toBe("\r\x1b[K[bash make]");
    clock.advance(2000);
    expect(out.at(-1)).toBe("\r\x1b[K[bash make · 2.0 s]");
    r.hold(true);
    expect(out.at(-1)).toBe("\r\x1b[K");
    clock.advance(1000);
    expect(out.at(-1)).toBe("\r\x1b[K");
    r.hold(false);
    expect(out.at(-1)).toBe("\r\x1b[K[bash make · 3.0 s]");
    r.reset();
    expect(out.at(-1)).toBe("\r\x1b[K");
    r.draw();
    expect(out.at(-1)).toBe("\r\x1b[K");
    expect(clock.ticking).toBe(false);
  });

  test("piped output never draws it", () => {
    const out: string[] = [];
    const r = createRunningTools(
      { write: (s) => out.push(s) },
      plain,
      false,
      manualTicker().ticker,
      () => "line",
    );
    r.turnStarted();
    r.draw();
    expect(out).toEqual([]);
  });
});
