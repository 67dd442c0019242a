import { describe, expect, test } from "bun:test";
import type { Message } from "../llm.ts";
import { ev, last, replay } from "./_fixtures.ts";
import { initialState, transition } from "./transition.ts";
import type { AgentState, MachineAction } from "./types.ts";

const cfg = { mutatingTools: ["edit_file"] };
const transient = { kind: "transient" as const, message: "overloaded", status: 529 };

function types(actions: MachineAction[]): string[] {
  return actions.map((a) => a.type);
}

describe("a plain text turn", () => {
  test("user input -> request -> streamed text -> waiting", () => {
    const steps = replay(initialState(), [
      ev.user("hi"),
      ev.text(1, "Hel"),
      ev.text(1, "lo"),
      ev.completed(1, ""),
    ]);
    expect(steps.map((s) => s.state.type)).toEqual([
      "CallingLlm",
      "ProcessingLlmResponse",
      "ProcessingLlmResponse",
      "WaitingForUserInput",
    ]);
    expect(steps[0]!.actions).toEqual([
      { type: "SendLlmRequest", requestId: 1, messages: [{ role: "user", content: "hi" }] },
    ]);
    expect(steps[1]!.actions).toEqual([{ type: "DisplayMessage", kind: "text_delta", text: "Hel" }]);
    // The completed response had empty content: the streamed text is used.
    expect(last(steps).state.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "Hello" },
    ]);
    expect(types(last(steps).actions)).toEqual(["DisplayMessage", "WaitForInput"]);
  });

  test("user input while busy is ignored", () => {
    const [first] = replay(initialState(), [ev.user("a")]);
    const r = transition(first!.state, ev.user("b"));
    expect(r.state).toBe(first!.state);
    expect(r.actions).toEqual([]);
  });
});

describe("tool calls", () => {
  const calls = [
    { id: "a", name: "read_file", input: { path: "x" } },
    { id: "b", name: "grep", input: { q: "y" } },
  ];

  test("complete out of order; results go back in call order; then the model is asked again", () => {
    const steps = replay(initialState(), [
      ev.user("go"),
      ev.completed(1, "looking", calls),
      ev.started(1, "a"),
      ev.started(1, "b"),
      ev.done(1, "b", "B"),
      ev.done(1, "b", "B again"),
      ev.done(1, "a", "A"),
    ]);
    const exec = steps[1]!.actions.find((a) => a.type === "ExecuteTools");
    expect(exec).toEqual({
      type: "ExecuteTools",
      requestId: 1,
      calls: calls.map((c) => ({ ...c, mutating: false })),
    });
    expect(steps[4]!.state.type).toBe("ExecutingTools");
    expect(steps[5]!.actions).toEqual([]); // duplicate completion ignored
    const end = last(steps);
    expect(end.state.type).toBe("CallingLlm");
    expect(end.state.messages.slice(2)).toEqual([
      { role: "tool", toolCallId: "a", name: "read_file", content: "A" },
      { role: "tool", toolCallId: "b", name: "grep", content: "B" },
    ]);
    expect(end.actions).toEqual([{ type: "SendLlmRequest", requestId: 2, messages: end.state.messages }]);
  });

  test("a mutating tool leads through PostToolsHook; a hook error is shown and the turn goes on", () => {
    const steps = replay(
      initialState(),
      [
        ev.user("edit"),
        ev.completed(1, "", [{ id: "e", name: "edit_file", input: {} }]),
        ev.done(1, "e", "ok"),
        ev.hookDone(1, "git failed"),
      ],
      cfg,
    );
    expect(steps[2]!.state.type).toBe("PostToolsHook");
    expect(types(steps[2]!.actions)).toEqual(["RunPostToolsHook"]);
    expect(last(steps).state.type).toBe("CallingLlm");
    expect(types(last(steps).actions)).toEqual(["DisplayError", "SendLlmRequest"]);
  });

  test("streamed deltas are assembled; invalid JSON is flagged for an error result", () => {
    const steps = replay(initialState(), [
      ev.user("go"),
      ev.callStart(1, 0, "c1", "read_file"),
      ev.callDelta(1, 0, '{"path":'),
      ev.callStart(1, 1, "c2", "grep"),
      ev.callDelta(1, 0, '"a.ts"}'),
      ev.callDelta(1, 1, "{not json"),
      ev.completed(1, ""),
    ]);
    const exec = last(steps).actions.find((a) => a.type === "ExecuteTools");
    if (exec?.type !== "ExecuteTools") throw new Error("no ExecuteTools");
    expect(exec.calls[0]).toEqual({ id: "c1", name: "read_file", input: { path: "a.ts" }, mutating: false });
    expect(exec.calls[1]).toMatchObject({ id: "c2", name: "grep", input: {}, rawInput: "{not json" });
    expect(exec.calls[1]!.inputError).toContain("invalid JSON arguments");
  });
});

describe("retries", () => {
  test("a transient error is retried with backoff and then succeeds", () => {
    const steps = replay(initialState(), [
      ev.user("hi"),
      ev.failed(1, transient, 0.5),
      ev.retry(1),
      ev.failed(2, transient, 0),
      ev.retry(2),
      ev.completed(3, "done"),
    ]);
    expect(steps[1]!.state).toMatchObject({ type: "Error", retries: 0, origin: "CallingLlm", delayMs: 200 });
    expect(steps[1]!.actions).toEqual([
      { type: "ScheduleRetry", requestId: 1, delayMs: 200, attempt: 1, error: transient },
    ]);
    expect(steps[2]!.state).toMatchObject({ type: "CallingLlm", retries: 1, requestId: 2 });
    expect(steps[3]!.actions[0]).toMatchObject({ delayMs: 200, attempt: 2 }); // 400 * 0.5
    expect(last(steps).state.type).toBe("WaitingForUserInput");
  });

  test("retry-after is a floor on the delay", () => {
    const [, failed] = replay(initialState(), [
      ev.user("hi"),
      ev.failed(1, { kind: "rate_limited", message: "slow down", retryAfterMs: 3000 }),
    ]);
    expect(failed!.actions[0]).toMatchObject({ type: "ScheduleRetry", delayMs: 3000 });
  });

  test("past maxRetries the turn fails and keeps the user's message", () => {
    const events = [ev.user("hi")];
    for (let id = 1; id <= 3; id++) events.push(ev.failed(id, transient), ev.retry(id));
    events.push(ev.failed(4, transient));
    const end = last(replay(initialState(), events, { maxRetries: 3 }));
    expect(end.state.type).toBe("WaitingForUserInput");
    expect(end.state.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(end.actions).toEqual([
      { type: "DisplayError", source: "llm", message: "overloaded", error: transient, retries: 3 },
      { type: "WaitForInput", reason: "error" },
    ]);
  });

  test("a permanent error is not retried, but a permanent error with status 503 is", () => {
    const perm = last(
      replay(initialState(), [ev.user("x"), ev.failed(1, { kind: "permanent", message: "bad" })]),
    );
    expect(perm.state.type).toBe("WaitingForUserInput");
    const s503 = last(
      replay(initialState(), [
        ev.user("x"),
        ev.failed(1, { kind: "permanent", message: "busy", status: 503 }),
      ]),
    );
    expect(s503.state.type).toBe("Error");
  });
});

describe("cancel, shutdown and stale events", () => {
  const toCalls = [
    ev.user("go"),
    ev.completed(1, "", [
      { id: "a", name: "read_file", input: {} },
      { id: "b", name: "grep", input: {} },
    ]),
  ];

  test("cancel mid-tools records a cancelled result for each open call", () => {
    const steps = replay(initialState(), [...toCalls, ev.done(1, "b", "B"), ev.cancel()]);
    const end = last(steps);
    expect(end.state.type).toBe("WaitingForUserInput");
    expect(end.actions).toEqual([
      { type: "CancelInFlight", requestId: 1 },
      { type: "WaitForInput", reason: "cancelled" },
    ]);
    expect(end.state.messages.slice(2)).toEqual([
      {
        role: "tool",
        toolCallId: "a",
        name: "read_file",
        content: "TOOL_CANCELLED: cancelled by user",
        isError: true,
      },
      { role: "tool", toolCallId: "b", name: "grep", content: "B" },
    ]);
  });

  test("late events after cancel are ignored, also in the next turn", () => {
    const steps = replay(initialState(), [
      ...toCalls,
      ev.cancel(),
      ev.done(1, "a", "late"),
      ev.user("again"),
      ev.text(1, "stale"),
      ev.done(1, "a", "late"),
    ]);
    for (const s of steps.slice(3)) if (s.event.type !== "UserInput") expect(s.actions).toEqual([]);
    expect(last(steps).state).toMatchObject({ type: "CallingLlm", requestId: 2 });
  });

  test("shutdown from a busy state cancels and ends; later events are ignored", () => {
    const steps = replay(initialState(), [...toCalls, ev.shutdown(), ev.user("x"), ev.shutdown()]);
    expect(steps[2]!.actions).toEqual([{ type: "CancelInFlight", requestId: 1 }, { type: "Shutdown" }]);
    expect(steps[2]!.state.messages).toHaveLength(4);
    expect(steps[3]!.actions).toEqual([]);
    expect(last(steps).state.type).toBe("ShuttingDown");
  });

  test("cancel mid-reply keeps the streamed text as an interrupted assistant message", () => {
    const steps = replay(initialState(), [
      ev.user("explain"),
      ev.text(1, "First, "),
      ev.callStart(1, 0, "c1", "read_file"),
      ev.text(1, "the parser"),
      ev.cancel(),
      ev.user("go on"),
    ]);
    expect(steps[4]!.state.messages).toEqual([
      { role: "user", content: "explain" },
      { role: "assistant", content: "First, the parser", interrupted: true },
    ]);
    // The next request carries the partial reply between the two user messages.
    expect(last(steps).actions).toEqual([
      {
        type: "SendLlmRequest",
        requestId: 2,
        messages: [...steps[4]!.state.messages, { role: "user", content: "go on" }],
      },
    ]);
  });

  test("shutdown mid-reply and a failed stream keep the streamed text too", () => {
    const partial = { role: "assistant" as const, content: "Hal", interrupted: true };
    const down = last(replay(initialState(), [ev.user("x"), ev.text(1, "Hal"), ev.shutdown()]));
    expect(down.state.messages.at(-1)).toEqual(partial);
    const permanent = { kind: "permanent" as const, message: "stream ended", status: 500 };
    const failed = last(replay(initialState(), [ev.user("x"), ev.text(1, "Hal"), ev.failed(1, permanent)]));
    expect(failed.state.messages.at(-1)).toEqual(partial);
  });

  test("cancel before any text (or only whitespace) adds no assistant message", () => {
    for (const before of [ev.callStart(1, 0, "c", "grep"), ev.text(1, " \n ")]) {
      const end = last(replay(initialState(), [ev.user("x"), before, ev.cancel()]));
      expect(end.state.messages).toEqual([{ role: "user", content: "x" }]);
    }
  });

  test("cancel while waiting for a retry stops it", () => {
    const end = last(
      replay(initialState(), [ev.user("x"), ev.failed(1, transient), ev.cancel(), ev.retry(1)]),
    );
    expect(end.state.type).toBe("WaitingForUserInput");
    expect(end.actions).toEqual([]);
  });
});

test("the tool loop is bounded by maxSteps", () => {
  const call = (id: string) => [{ id, name: "grep", input: {} }];
  const steps = replay(
    initialState(),
    [
      ev.user("loop"),
      ev.completed(1, "", call("1")),
      ev.done(1, "1", "r"),
      ev.completed(2, "", call("2")),
      ev.done(2, "2", "r"),
    ],
    { maxSteps: 2 },
  );
  const end = last(steps);
  expect(end.state.type).toBe("WaitingForUserInput");
  expect(end.actions).toEqual([
    { type: "DisplayError", source: "step_limit", message: "stopped after 2 model requests in one turn" },
    { type: "WaitForInput", reason: "error" },
  ]);
});

describe("the step limit", () => {
  const call = (id: string) => [{ id, name: "grep", input: {} }];
  /** `n` rounds of one tool call each. */
  const rounds = (n: number, from = 1) =>
    Array.from({ length: n }, (_, i) => [
      ev.completed(from + i, "", call(`${from + i}`)),
      ev.done(from + i, `${from + i}`, "r"),
    ]).flat();

  test("maxSteps 0 means no limit", () => {
    const end = last(replay(initialState(), [ev.user("loop"), ...rounds(150)], { maxSteps: 0 }));
    expect(end.state).toMatchObject({ type: "CallingLlm", steps: 151 });
  });

  test("with askAtStepLimit the turn asks; yes grants another maxSteps requests, no ends it", () => {
    const cfg = { maxSteps: 2, askAtStepLimit: true };
    const asked = last(replay(initialState(), [ev.user("loop"), ...rounds(2)], cfg));
    expect(asked.state).toMatchObject({ type: "AskingToContinue", steps: 2, requestId: 2 });
    expect(asked.actions).toEqual([{ type: "AskToContinue", requestId: 2, steps: 2 }]);

    const stale = transition(asked.state, { type: "ContinueAnswered", requestId: 1, proceed: true }, cfg);
    expect(stale.state).toBe(asked.state);

    const yes = transition(asked.state, { type: "ContinueAnswered", requestId: 2, proceed: true }, cfg);
    expect(yes.state).toMatchObject({ type: "CallingLlm", steps: 1, requestId: 3 });
    expect(types(yes.actions)).toEqual(["SendLlmRequest"]);
    const again = last(replay(yes.state, rounds(2, 3), cfg));
    expect(again.state).toMatchObject({ type: "AskingToContinue", steps: 2, requestId: 4 });

    const no = transition(asked.state, { type: "ContinueAnswered", requestId: 2, proceed: false }, cfg);
    expect(no.state.type).toBe("WaitingForUserInput");
    expect(no.actions).toEqual([
      { type: "DisplayError", source: "step_limit", message: "stopped after 2 model requests in one turn" },
      { type: "WaitForInput", reason: "error" },
    ]);
  });

  test("cancel while asking ends the turn with the history kept", () => {
    const cfg = { maxSteps: 1, askAtStepLimit: true };
    const asked = last(replay(initialState(), [ev.user("loop"), ...rounds(1)], cfg));
    const r = transition(asked.state, ev.cancel(), cfg);
    expect(r.state.type).toBe("WaitingForUserInput");
    expect(r.state.messages).toEqual(asked.state.messages);
    expect(r.actions).toEqual([
      { type: "CancelInFlight", requestId: 1 },
      { type: "WaitForInput", reason: "cancelled" },
    ]);
  });
});

test("resuming closes dangling tool calls", () => {
  const history: Message[] = [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: "",
      toolCalls: [
        { id: "a", name: "grep", input: {} },
        { id: "b", name: "grep", input: {} },
      ],
    },
    { role: "tool", toolCallId: "b", name: "grep", content: "B" },
  ];
  const s: AgentState = initialState(history);
  expect(s.messages.slice(2)).toEqual([
    {
      role: "tool",
      toolCallId: "a",
      name: "grep",
      content: "TOOL_CANCELLED: cancelled by user",
      isError: true,
    },
    { role: "tool", toolCallId: "b", name: "grep", content: "B" },
  ]);
});
