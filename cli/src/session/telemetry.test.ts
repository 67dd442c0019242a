import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@loom/runtime/config";
import { createSessionTelemetry } from "./telemetry.ts";

function config(workspaceToml: string | undefined, env: Record<string, string>) {
  const ws = mkdtempSync(join(tmpdir(), "loom-telemetry-"));
  if (workspaceToml !== undefined) {
    mkdirSync(join(ws, ".loom"));
    writeFileSync(join(ws, ".loom/config.toml"), workspaceToml);
  }
  return loadConfig({ workspace: ws, env: { HOME: ws, ...env }, systemPath: null }).config;
}

test("product events only in team mode with a token, and never with [telemetry] enabled = false or DO_NOT_TRACK", () => {
  const team = { LOOM_SERVER_URL: "http://team.example", LOOM_TOKEN: "lt_x" };
  const on = (env: Record<string, string>, toml?: string) => {
    const t = createSessionTelemetry(config(toml, env), { HOME: "/nonexistent", ...env }, "run");
    t?.close();
    return t !== undefined;
  };
  expect(on(team)).toBe(true);
  expect(on({ LOOM_TOKEN: "lt_x" })).toBe(false); // local mode
  expect(on({ LOOM_SERVER_URL: "http://team.example" })).toBe(false); // no token
  expect(on({ ...team, DO_NOT_TRACK: "1" })).toBe(false);
  expect(on({ ...team, LOOM_TELEMETRY__ENABLED: "false" })).toBe(false);
  expect(on(team, "[telemetry]\nenabled = false\n")).toBe(false);
});

test("a workspace config may turn product events off, never on", () => {
  expect(() => config("[telemetry]\nenabled = true\n", {})).toThrow(
    /telemetry.enabled: not allowed in a workspace config/,
  );
});
