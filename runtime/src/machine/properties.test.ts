/**
 * Property tests of the machine's invariants over random event sequences. The sequences are built from
 * choices interpreted against the current state, so they reach deep states (tools running, retries
 * pending, hooks) and also throw in stale ids, duplicates and events that do not apply.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { LlmErrorInfo, Message, ToolCall } from "../llm.ts";
import { ev } from "./_fixtures.ts";
import { initialState, transition } from "./transition.ts";
import type { AgentState, MachineAction, MachineConfig, MachineEvent } from "./types.ts";

const TOOL_NAMES = ["read_file", "grep", "edit_file", "bash"];
const ERRORS: LlmErrorInfo[] = [
  { kind: "transient", message: "overloaded" },
  { kind: "rate_limited", message: "slow", retryAfterMs: 1500 },
  { kind: "permanent", message: "bad request", status: 400 },
  { kind: "permanent", message: "gateway", status: 502 },
];

const choice = fc.record({
  fit: fc.nat({ max: 9 }),
  kind: fc.nat({ max: 15 }),
  pick: fc.nat({ max: 7 }),
  stale: fc.nat({ max: 9 }),
  random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});
type Choice = typeof choice extends fc.Arbitrary<infer T> ? T : never;

const configArb = fc.record({
  maxRetries: fc.nat({ max: 4 }),
  maxSteps: fc.integer({ min: 0, max: 6 }),
  askAtStepLimit: fc.boolean(),
  mutatingTools: fc.constant(["edit_file", "bash"]),
});

function openCallIds(state: AgentState): string[] {
  if (state.type !== "ExecutingTools") return [];
  return state.executions.filter((e) => e.status !== "completed").map((e) => e.call.id);
}

/** The kind of event that moves the current state on (most of the time), so runs reach deep states. */
function fittingKind(state: AgentState, c: Choice): number {
  if (c.fit >= 7) return c.kind;
  switch (state.type) {
    case "WaitingForUserInput":
      return 0;
    case "CallingLlm":
    case "ProcessingLlmResponse":
      return [1, 2, 3, 4, 4, 5, 5, 4][c.pick]!;
    case "ExecutingTools":
      return c.pick === 0 ? 6 : 7;
    case "PostToolsHook":
      return 10;
    case "Error":
      return 11;
    case "AskingToContinue":
      return 16;
    case "ShuttingDown":
      return c.kind;
  }
}

/** Turns a choice into an event for the current state, sometimes stale or out of place. */
function eventFor(state: AgentState, c: Choice, serial: number): MachineEvent {
  const id = c.stale === 0 ? state.requestId - 1 : state.requestId;
  const open = openCallIds(state);
  const anyCall = open.length > 0 ? open[(c.pick + serial) % open.length]! : `c${id}_${c.pick}`;
  switch (fittingKind(state, c)) {
    case 0:
      return ev.user(`u${serial}`);
    case 1:
      return ev.text(id, `t${serial}`);
    case 2:
      return ev.callStart(id, c.pick % 3, `s${id}_${c.pick % 3}`, TOOL_NAMES[c.pick % 4]!);
    case 3:
      return ev.callDelta(id, c.pick % 3, c.stale % 2 === 0 ? '{"a":1}' : "{oops");
    case 4: {
      const calls: ToolCall[] = Array.from({ length: c.pick % 4 }, (_, i) => ({
        id: `c${id}_${i}`,
        name: TOOL_NAMES[(c.stale + i) % 4]!,
        input: { i },
      }));
      return ev.completed(id, `reply${serial}`, calls);
    }
    case 5:
      return ev.failed(id, ERRORS[c.pick % ERRORS.length]!, c.random);
    case 6:
      return ev.started(id, anyCall);
    case 7:
    case 8:
    case 9:
      return ev.done(id, anyCall, `r${serial}`, c.stale % 3 === 0);
    case 10:
      return ev.hookDone(id, c.stale % 4 === 0 ? "hook failed" : undefined);
    case 11:
      return ev.retry(id);
    case 12:
      return { type: "ToolProgress", requestId: id, callId: anyCall, progress: { message: "…" } };
    case 13:
      return ev.cancel();
    case 14:
      return c.pick === 0 && c.stale === 0 ? ev.shutdown() : ev.user(`u${serial}`);
    case 16:
      return { type: "ContinueAnswered", requestId: id, proceed: c.pick % 2 === 0 };
    default:
      return {
        type: "LlmEvent",
        requestId: id,
        event: { type: "usage", usage: { inputTokens: 1, outputTokens: 1 } },
      };
  }
}

interface Run {
  states: AgentState[];
  actions: MachineAction[][];
}

function run(choices: Choice[], config: Partial<MachineConfig>): Run {
  let state = initialState();
  const states: AgentState[] = [];
  const actions: MachineAction[][] = [];
  choices.forEach((c, i) => {
    const r = transition(state, eventFor(state, c, i), config);
    state = r.state;
    states.push(state);
    actions.push(r.actions);
  });
  return { states, actions };
}

/**
 * Every assistant tool call is answered by exactly one tool message, right after it and in call order,
 * and no tool message stands anywhere else. With `openLast`, the last assistant message may still be
 * unanswered (its tools are running).
 */
function historyProblem(messages: Message[], openLast: boolean): string | null {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === "tool") return `stray tool message at ${i}`;
    if (m.role !== "assistant" || !m.toolCalls?.length) continue;
    const answers = messages.slice(i + 1, i + 1 + m.toolCalls.length);
    if (openLast && i === messages.length - 1) continue;
    const ids = answers.map((a) => (a.role === "tool" ? a.toolCallId : `<${a.role}>`));
    const want = m.toolCalls.map((c) => c.id);
    if (JSON.stringify(ids) !== JSON.stringify(want)) return `calls ${want} answered by ${ids}`;
    i += m.toolCalls.length;
  }
  return null;
}

const runs = fc.tuple(fc.array(choice, { maxLength: 80, size: "max" }), configArb);
const params = { numRuns: 300 };

describe("machine invariants", () => {
  test("random sequences never throw and keep the history valid", () => {
    fc.assert(
      fc.property(runs, ([choices, config]) => {
        const { states, actions } = run(choices, config);
        states.forEach((s) => {
          expect(historyProblem(s.messages, s.type === "ExecutingTools")).toBeNull();
        });
        for (const a of actions.flat()) {
          if (a.type === "SendLlmRequest") {
            expect(historyProblem(a.messages, false)).toBeNull();
            expect(a.messages.at(-1)?.role).not.toBe("assistant");
          }
        }
      }),
      params,
    );
  });

  test("the same events give deep-equal states and actions", () => {
    fc.assert(
      fc.property(runs, ([choices, config]) => {
        expect(run(choices, config)).toEqual(run(choices, config));
      }),
      params,
    );
  });

  test("retries are bounded by maxRetries", () => {
    fc.assert(
      fc.property(runs, ([choices, config]) => {
        const { states, actions } = run(choices, config);
        for (const s of states) if ("retries" in s) expect(s.retries).toBeLessThanOrEqual(config.maxRetries);
        for (const a of actions.flat()) {
          if (a.type === "ScheduleRetry") {
            expect(a.attempt).toBeLessThanOrEqual(config.maxRetries);
            expect(a.delayMs).toBeGreaterThanOrEqual(0);
            expect(a.delayMs).toBeLessThanOrEqual(7_500);
          }
        }
      }),
      params,
    );
  });

  test("from any reachable state, cancel returns to WaitingForUserInput with a complete history", () => {
    fc.assert(
      fc.property(runs, ([choices, config]) => {
        const { states } = run(choices, config);
        for (const s of [initialState(), ...states]) {
          const r = transition(s, ev.cancel(), config);
          if (s.type === "ShuttingDown") {
            expect(r.state).toBe(s);
            continue;
          }
          expect(r.state.type).toBe("WaitingForUserInput");
          expect(historyProblem(r.state.messages, false)).toBeNull();
          const busy = s.type !== "WaitingForUserInput";
          expect(r.actions.some((a) => a.type === "CancelInFlight")).toBe(busy);
        }
      }),
      params,
    );
  });

  test("from any reachable state, shutdown reaches ShuttingDown", () => {
    fc.assert(
      fc.property(runs, ([choices, config]) => {
        const { states } = run(choices, config);
        for (const s of [initialState(), ...states]) {
          const r = transition(s, ev.shutdown(), config);
          expect(r.state.type).toBe("ShuttingDown");
          expect(historyProblem(r.state.messages, false)).toBeNull();
          if (s.type !== "ShuttingDown") expect(r.actions.at(-1)).toEqual({ type: "Shutdown" });
        }
      }),
      params,
    );
  });

  test("each tool result reaches the model once, in call order, whatever the completion order", () => {
    const perm = fc
      .integer({ min: 1, max: 6 })
      .chain((n) =>
        fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })),
      );
    fc.assert(
      fc.property(perm, fc.array(fc.nat({ max: 5 }), { maxLength: 6 }), ([n, order], dupes) => {
        const calls = Array.from({ length: n }, (_, i) => ({
          id: `k${i}`,
          name: TOOL_NAMES[i % 4]!,
          input: {},
        }));
        let state = transition(initialState(), ev.user("go")).state;
        state = transition(state, ev.completed(1, "", calls)).state;
        const completions = order.flatMap((i, j) => (dupes.includes(j) ? [i, i] : [i]));
        let sent: MachineAction | undefined;
        for (const i of completions) {
          const r = transition(state, ev.done(1, `k${i}`, `result ${i}`), { mutatingTools: [] });
          state = r.state;
          sent ??= r.actions.find((a) => a.type === "SendLlmRequest");
        }
        expect(state.type).toBe("CallingLlm");
        expect(sent?.type).toBe("SendLlmRequest");
        const tools = state.messages.filter((m) => m.role === "tool");
        expect(tools).toEqual(
          calls.map((c, i) => ({ role: "tool", toolCallId: c.id, name: c.name, content: `result ${i}` })),
        );
      }),
      params,
    );
  });
});
