/**
 * Tests that need a system tool (tmux) skip without it on a developer's machine, but in CI
 * (`CI=true`) a missing tool is a failing test that says so: a suite that skips there proves
 * nothing (scripts/test-deps.sh fails the same way before the tests start).
 */
import { test } from "bun:test";

export type ToolGate = "run" | "skip" | "fail";

export function isCi(env: Record<string, string | undefined>): boolean {
  return ["true", "1"].includes((env.CI ?? "").toLowerCase());
}

export function toolGate(present: boolean, env: Record<string, string | undefined>): ToolGate {
  return present ? "run" : isCi(env) ? "fail" : "skip";
}

/** `test`, `test.skip`, or a test that fails naming the missing tool, per `toolGate`. */
export function testNeeding(tool: string, present: boolean, env = process.env) {
  const gate = toolGate(present, env);
  if (gate === "run") return test;
  if (gate === "skip") return test.skip;
  return (name: string, _fn?: unknown, timeout?: number) =>
    test(
      name,
      () => {
        throw new Error(`${tool} is not installed and CI=true: this test must run in CI (install ${tool})`);
      },
      timeout,
    );
}
