/**
 * Records the golden logs: runs scripted scenarios through the real driver (in-memory LLM and tools, a
 * manual clock) and writes the machine events it fed, with the machine's answers, to `<name>.json`.
 * Run: `bun tests/golden/record.ts` (then review the git diff).
 */
import { join } from "node:path";
import { createAgent } from "@loom/runtime/agent";
import { createManualClock } from "@loom/runtime/agent/clock";
import {
  completedEvent,
  createScriptedLlm,
  type ScriptedReply,
  textReply,
} from "@loom/runtime/agent/scripted-llm";
import type { Agent, AgentOptions } from "@loom/runtime/agent/types";
import { LlmError } from "@loom/runtime/llm";
import type { MachineEvent } from "@loom/runtime/machine/types";
import type { Tool } from "@loom/runtime/tool";
import { GOLDEN_DIR, type GoldenLog, replayGolden, writeGolden } from "./golden.ts";

interface Scenario {
  name: string;
  description: string;
  script: ScriptedReply[];
  tools?: Tool[];
  options?: Partial<AgentOptions>;
  drive(agent: Agent, clock: ReturnType<typeof createManualClock>): Promise<void>;
}

function tool(name: string, invoke: Tool["invoke"], mutating = false): Tool {
  return { name, description: name, inputSchema: { type: "object" }, invoke, mutating };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const bGate = gate();
const scenarios: Scenario[] = [
  {
    name: "text-turn",
    description: "One user message, a streamed text reply.",
    script: [
      [{ type: "text.delta", text: "Hel" }, { type: "text.delta", text: "lo" }, completedEvent("Hello")],
    ],
    drive: async (agent) => void (await agent.send("hi")),
  },
  {
    name: "parallel-tools-out-of-order",
    description: "Two streamed tool calls; the second finishes first; results go back in call order.",
    tools: [
      tool("slow_read", async () => {
        await bGate.opened;
        return { output: "slow" };
      }),
      tool("fast_read", async () => {
        setTimeout(bGate.open, 0);
        return { output: "fast" };
      }),
    ],
    script: [
      [
        { type: "tool_call.start", index: 0, id: "t1", name: "slow_read" },
        { type: "tool_call.delta", index: 0, argsDelta: '{"path":"a"}' },
        { type: "tool_call.start", index: 1, id: "t2", name: "fast_read" },
        { type: "tool_call.delta", index: 1, argsDelta: '{"path":"b"}' },
        completedEvent(""),
      ],
      textReply("Both read."),
    ],
    drive: async (agent) => void (await agent.send("read a and b")),
  },
  {
    name: "mutating-tool-post-hook",
    description: "A mutating tool runs after permission, the post-tools hook runs, then the model answers.",
    tools: [tool("edit_file", async () => ({ output: "edited" }), true)],
    options: { permission: async () => "allow", hooks: { postTools: () => {} } },
    script: [
      [completedEvent("Editing.", [{ id: "e1", name: "edit_file", input: { path: "x" } }])],
      textReply("Done."),
    ],
    drive: async (agent) => void (await agent.send("edit x")),
  },
  {
    name: "retry-then-success",
    description: "A transient error, a backoff timer on the manual clock, then a good reply.",
    options: { random: () => 0.25 },
    script: [new LlmError("transient", "overloaded", { status: 529 }), textReply("Recovered.")],
    drive: async (agent, clock) => {
      const turn = agent.send("hi");
      await tick();
      clock.advance(clock.pending()[0] ?? 0);
      await turn;
    },
  },
  {
    name: "retries-exhausted",
    description:
      "Rate limited with retry-after three times with maxRetries 2: the turn fails, the message stays.",
    options: { maxRetries: 2, random: () => 0.9 },
    script: [1, 2, 3].map(
      () => new LlmError("rate_limited", "slow down", { status: 429, retryAfterMs: 1000 }),
    ),
    drive: async (agent, clock) => {
      const turn = agent.send("hi");
      for (let i = 0; i < 2; i++) {
        await tick();
        clock.advance(clock.pending()[0] ?? 0);
      }
      await turn;
    },
  },
  {
    name: "cancel-mid-tool",
    description: "Cancel while a tool runs: cancelled result recorded; the next turn sends a valid history.",
    tools: [tool("hang", () => new Promise(() => {})), tool("quick", async () => ({ output: "q" }))],
    script: [
      [
        completedEvent("", [
          { id: "h1", name: "hang", input: {} },
          { id: "q1", name: "quick", input: {} },
        ]),
      ],
      textReply("Fresh."),
    ],
    drive: async (agent) => {
      const turn = agent.send("start");
      await tick();
      agent.cancel();
      await turn;
      await agent.send("next");
    },
  },
  {
    name: "cancel-mid-reply",
    description:
      "Cancel while the reply streams: the text shown is kept as an interrupted assistant message and sent with the next turn.",
    script: [
      async function* (signal) {
        yield { type: "text.delta", text: "Half of " };
        yield { type: "text.delta", text: "an answer" };
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        throw new LlmError("permanent", "cancelled");
      },
      textReply("The rest."),
    ],
    drive: async (agent) => {
      const shown = new Promise<void>((resolve) => {
        const off = agent.on((e) => {
          if (e.type === "agent.text_delta" && e.text === "an answer") {
            off();
            resolve();
          }
        });
      });
      const turn = agent.send("explain");
      await shown;
      agent.cancel();
      await turn;
      await agent.send("go on");
    },
  },
  {
    name: "step-limit-continue",
    description:
      "At maxSteps the user is asked: yes grants another maxSteps requests, then no ends the turn.",
    tools: [tool("grep", async () => ({ output: "match" }))],
    options: {
      maxSteps: 1,
      continueAtStepLimit: (() => {
        const answers = [true, false];
        return async () => answers.shift() ?? false;
      })(),
    },
    script: [
      [completedEvent("", [{ id: "g1", name: "grep", input: {} }])],
      [completedEvent("", [{ id: "g2", name: "grep", input: {} }])],
    ],
    drive: async (agent) => void (await agent.send("search twice")),
  },
  {
    name: "bad-calls",
    description: "Invalid JSON arguments and an unknown tool become error results the model reads.",
    tools: [tool("grep", async () => ({ output: "match" }))],
    script: [
      [
        { type: "tool_call.start", index: 0, id: "g1", name: "grep" },
        { type: "tool_call.delta", index: 0, argsDelta: '{"q": ' },
        { type: "tool_call.start", index: 1, id: "n1", name: "no_such_tool" },
        completedEvent(""),
      ],
      textReply("Sorry."),
    ],
    drive: async (agent) => void (await agent.send("search")),
  },
];

async function recordScenario(s: Scenario): Promise<GoldenLog> {
  const events: MachineEvent[] = [];
  const clock = createManualClock();
  const tools = s.tools ?? [];
  const options: AgentOptions = {
    llm: createScriptedLlm(s.script),
    tools,
    model: "golden-model",
    clock,
    random: () => 0.5,
    ...s.options,
    onTransition: (step) => events.push(step.event),
  };
  const agent = createAgent(options);
  await s.drive(agent, clock);
  await agent.shutdown();
  const config = {
    maxRetries: options.maxRetries,
    mutatingTools: tools.filter((t) => t.mutating).map((t) => t.name),
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
    ...(options.continueAtStepLimit ? { askAtStepLimit: true } : {}),
  };
  const log = { config: JSON.parse(JSON.stringify(config)), initialMessages: [], events };
  return { name: s.name, description: s.description, ...log, expected: replayGolden(log) };
}

/** Hand-written: late events after a cancel must change nothing. */
function staleEventsLog(): GoldenLog {
  const calls = [{ id: "s1", name: "grep", input: {} }];
  const events: MachineEvent[] = [
    { type: "UserInput", text: "go" },
    { type: "LlmEvent", requestId: 1, event: completedEvent("", calls) },
    { type: "Cancel" },
    { type: "ToolCompleted", requestId: 1, callId: "s1", result: { content: "late", isError: false } },
    { type: "UserInput", text: "again" },
    { type: "LlmEvent", requestId: 1, event: { type: "text.delta", text: "stale" } },
    { type: "RetryTimeoutFired", requestId: 1 },
    { type: "LlmEvent", requestId: 2, event: { type: "text.delta", text: "fresh" } },
    { type: "ShutdownRequested" },
    { type: "UserInput", text: "ignored" },
  ];
  const log = { config: {}, initialMessages: [], events };
  return {
    name: "stale-events",
    description: "Late tool and stream events of a cancelled request are ignored; shutdown is final.",
    ...log,
    expected: replayGolden(log),
  };
}

for (const s of scenarios) writeGolden(join(GOLDEN_DIR, `${s.name}.json`), await recordScenario(s));
writeGolden(join(GOLDEN_DIR, "stale-events.json"), staleEventsLog());
console.log(`recorded ${scenarios.length + 1} golden logs in ${GOLDEN_DIR}`);
