/**
 * Golden event logs of the agent machine: machine events in, state types and actions out. Each
 * `*.json` here is one log. `record.ts` records logs from real driver runs; the replay test checks the
 * machine still answers each log's events the same way.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Message } from "@loom/runtime/llm";
import { initialState, transition } from "@loom/runtime/machine";
import type {
  AgentStateType,
  MachineAction,
  MachineConfigInput,
  MachineEvent,
} from "@loom/runtime/machine/types";

export interface GoldenStep {
  state: AgentStateType;
  actions: MachineAction[];
}

export interface GoldenLog {
  name: string;
  description: string;
  config: MachineConfigInput;
  initialMessages: Message[];
  events: MachineEvent[];
  expected: GoldenStep[];
}

export const GOLDEN_DIR = import.meta.dir;

export function goldenFiles(): string[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(GOLDEN_DIR, f));
}

export function readGolden(path: string): GoldenLog {
  return JSON.parse(readFileSync(path, "utf8")) as GoldenLog;
}

/** Writes a log and formats it the way `biome check` wants it. */
export function writeGolden(path: string, log: GoldenLog): void {
  writeFileSync(path, `${JSON.stringify(log, null, 2)}\n`);
  Bun.spawnSync([process.execPath, "x", "biome", "format", "--write", path], {
    stdout: "ignore",
    stderr: "ignore",
  });
}

/** What the current machine answers to the log's events. */
export function replayGolden(log: Pick<GoldenLog, "config" | "initialMessages" | "events">): GoldenStep[] {
  let state = initialState(log.initialMessages);
  return log.events.map((event) => {
    const r = transition(state, event, log.config);
    state = r.state;
    return { state: r.state.type, actions: r.actions };
  });
}
