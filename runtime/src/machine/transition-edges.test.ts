/**
 * Edges of the state machine that the scenario tests do not pin down: defaults, stale and duplicate
 * events, empty deltas, steps across retries, shutdown from idle. Found by `bun run mutate`.
 */
import { describe, expect, test } from "bun:test";
import { ev, last, replay } from "./_fixtures.ts";
import { initialState, transition } from "./transition.ts";
import type { AgentState, MachineEvent } from "./types.ts";

const transient = { kind: "transient" as const, message: "overloaded" };
const calls = [
  { id: "a", name: "read_file", input: {} },
  { id: "b", name: "grep", input: {} },
];

function stateAfter(events: MachineEvent[]): AgentState {
  return last(replay(initialState(), events)).state;
}

function ignored(state: AgentState, event: MachineEvent): void {
  const r = transition(state, event);
  expect(r.state).toBe(state);
  expect(r.actions).toEqual([]);
}

describe("defaults", () => {
  test("the start state is idle at request 0, step 0", () => {
    expect(initialState()).toEqual({ type: "WaitingForUserInput", messages: [], requestId: 0, steps: 0 });
  });

  test("three retries by default, then the turn fails", () => {
    const events = [ev.user("hi")];
    for (let id = 1; id <= 3; id++) events.push(ev.failed(id, transient), ev.retry(id));
    const before = last(replay(initialState(), events));
    expect(before.state).toMatchObject({ type: "CallingLlm", retries: 3 });
    const end = last(replay(initialState(), [...events, ev.failed(4, transient)]));
    expect(end.state.type).toBe("WaitingForUserInput");
  });

  test("100 model requests per turn by default", () => {
    const events = [ev.user("loop")];
    for (let id = 1; id <= 100; id++)
      events.push(
        ev.completed(id, "", [{ id: `c${id}`, name: "grep", input: {} }]),
        ev.done(id, `c${id}`, "r"),
      );
    const steps = replay(initialState(), events);
    expect(steps[steps.length - 3]!.state).toMatchObject({ type: "CallingLlm", steps: 100 });
    expect(last(steps).actions[0]).toMatchObject({ type: "DisplayError", source: "step_limit" });
  });
});

describe("stale, unknown and repeated events are ignored", () => {
  test("an LLM failure for another request", () => {
    const s = stateAfter([ev.user("x")]);
    ignored(s, ev.failed(0, transient));
    ignored(s, ev.failed(2, transient));
  });

  test("tool events for another request, an unknown call, or a call already running", () => {
    const s = stateAfter([ev.user("go"), ev.completed(1, "", calls)]);
    ignored(s, ev.started(2, "a"));
    ignored(s, ev.started(1, "zzz"));
    ignored(s, ev.done(1, "zzz", "x"));
    ignored(s, ev.done(2, "a", "x"));
    const running = transition(s, ev.started(1, "a")).state;
    expect(running.type === "ExecutingTools" && running.executions.map((e) => e.status)).toEqual([
      "running",
      "pending",
    ]);
    ignored(running, ev.started(1, "a"));
    ignored(running, { type: "ToolProgress", requestId: 1, callId: "a", progress: { message: "50%" } });
    const second = transition(running, ev.started(1, "b")).state;
    expect(second.type === "ExecutingTools" && second.executions.map((e) => e.status)).toEqual([
      "running",
      "running",
    ]);
  });

  test("after shutdown nothing happens, a second shutdown included", () => {
    const s = stateAfter([ev.user("x"), ev.shutdown()]);
    expect(s.type).toBe("ShuttingDown");
    for (const e of [ev.shutdown(), ev.cancel(), ev.user("y"), ev.text(1, "t"), ev.failed(1, transient)])
      ignored(s, e);
  });
});

describe("small cases", () => {
  test("an empty text delta shows nothing", () => {
    const r = transition(stateAfter([ev.user("x")]), ev.text(1, ""));
    expect(r.actions).toEqual([]);
    expect(r.state.type).toBe("ProcessingLlmResponse");
  });

  test("a post-tools hook without error asks the model again and shows no error", () => {
    const steps = replay(
      initialState(),
      [
        ev.user("x"),
        ev.completed(1, "", [{ id: "e", name: "edit_file", input: {} }]),
        ev.done(1, "e", "ok"),
        ev.hookDone(1),
      ],
      { mutatingTools: ["edit_file"] },
    );
    expect(steps[2]!.state.type).toBe("PostToolsHook");
    expect(last(steps).actions.map((a) => a.type)).toEqual(["SendLlmRequest"]);
  });

  test("a failure in the middle of a streamed reply is retried like one before it", () => {
    const steps = replay(initialState(), [ev.user("x"), ev.text(1, "par"), ev.failed(1, transient)]);
    expect(last(steps).state).toMatchObject({ type: "Error", origin: "ProcessingLlmResponse", retries: 0 });
    expect(last(steps).actions[0]).toMatchObject({ type: "ScheduleRetry", requestId: 1, attempt: 1 });
  });

  test("a retry does not count as another step", () => {
    const s = stateAfter([ev.user("x"), ev.failed(1, transient), ev.retry(1)]);
    expect(s).toMatchObject({ type: "CallingLlm", retries: 1, steps: 1, requestId: 2 });
  });

  test("shutdown while idle just shuts down, with nothing to cancel", () => {
    const r = transition(initialState(), ev.shutdown());
    expect(r.state.type).toBe("ShuttingDown");
    expect(r.actions).toEqual([{ type: "Shutdown" }]);
  });
});
