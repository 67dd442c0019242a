import { describe, expect, test } from "bun:test";
import { agentCommand, readSettings } from "./settings.ts";
import { parseViewMessage } from "./view-protocol.ts";

describe("settings", () => {
  test("bad or missing values fall back to defaults", () => {
    const s = readSettings(
      (k) => ({ loomPath: "  ", additionalArgs: ["--x", 3], logLevel: "loud", autoStart: "no" })[k],
    );
    expect(s).toEqual({ loomPath: "loom", additionalArgs: ["--x"], logLevel: "info", autoStart: true });
  });

  test("the agent command runs loom acp-agent, or bun for a script path", () => {
    const s = readSettings(
      (k) =>
        ({ loomPath: "/opt/loom/cli/src/main.ts", additionalArgs: ["--model", "m"], logLevel: "debug" })[k],
    );
    const c = agentCommand(s, "/w", { PATH: "/bin" });
    expect(c).toEqual({
      command: "bun",
      args: ["/opt/loom/cli/src/main.ts", "acp-agent", "--model", "m"],
      cwd: "/w",
      env: { PATH: "/bin", LOOM_LOG__LEVEL: "debug" },
    });
    expect(
      agentCommand(
        readSettings(() => undefined),
        "/w",
        {},
      ).command,
    ).toBe("loom");
  });

  test("malformed webview messages are dropped", () => {
    expect(parseViewMessage({ type: "prompt", text: "hi" })).toEqual({ type: "prompt", text: "hi" });
    expect(parseViewMessage({ type: "prompt" })).toBeUndefined();
    expect(parseViewMessage({ type: "permission", requestId: "1", optionId: "x" })).toBeUndefined();
    expect(parseViewMessage({ type: "rm -rf" })).toBeUndefined();
    expect(parseViewMessage(null)).toBeUndefined();
  });
});
