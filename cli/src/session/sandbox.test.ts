import { describe, expect, test } from "bun:test";
import { sessionSandboxes } from "./sandbox.ts";

const config = { sandbox: { network: [], hidden: [], writable: [] } };
const env = { HOME: "/h" };
const where = { workspaceRoot: "/w", cwd: "/w" };

function setup(askUnsandboxed?: (reason: string) => Promise<boolean>) {
  const notices: string[] = [];
  const asked: string[] = [];
  const sandboxFor = sessionSandboxes({
    config,
    env,
    bwrap: null,
    notice: (m) => notices.push(m),
    ...(askUnsandboxed
      ? {
          askUnsandboxed: (r: string) => {
            asked.push(r);
            return askUnsandboxed(r);
          },
        }
      : {}),
  });
  return { sandboxFor, notices, asked };
}

describe("sessionSandboxes when no sandbox can be made", () => {
  test("auto without anyone to ask: refused, said once", async () => {
    const { sandboxFor, notices } = setup();
    const s = sandboxFor("auto", false);
    expect((await s.launch(["true"], where)).kind).toBe("refused");
    expect((await sandboxFor("auto", false).launch(["true"], where)).kind).toBe("refused");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain("commands are refused");
  });

  test("auto at a terminal: asked once, the answer holds", async () => {
    const { sandboxFor, asked } = setup(async () => true);
    expect(await sandboxFor("auto", true).launch(["true"], where)).toMatchObject({
      kind: "run",
      sandboxed: false,
    });
    expect(await sandboxFor("auto", true).launch(["true"], where)).toMatchObject({
      kind: "run",
      sandboxed: false,
    });
    expect(asked).toHaveLength(1);
  });

  test("ask mode with someone approving each call: runs unsandboxed, said once", async () => {
    const { sandboxFor, notices, asked } = setup(async () => false);
    expect(await sandboxFor("ask", true).launch(["true"], where)).toMatchObject({
      kind: "run",
      sandboxed: false,
    });
    expect(asked).toEqual([]);
    expect(notices[0]).toContain("they run unsandboxed");
  });

  test("bad [sandbox] settings fail when the session starts", () => {
    expect(() =>
      sessionSandboxes({
        config: { sandbox: { ...config.sandbox, network: ["https://x.com"] } },
        env,
        notice: () => {},
      }),
    ).toThrow(/\[sandbox\] network: 'https:\/\/x.com': not a host/);
  });
});
