import { describe, expect, test } from "bun:test";
import { probeFailure } from "./probe.ts";
import { createSandbox } from "./sandbox.ts";
import type { SandboxPolicy } from "./types.ts";

const policy: SandboxPolicy = { mode: "workspace-write", network: "none", hidden: [], writable: [] };
const where = { workspaceRoot: "/w", cwd: "/w" };

describe("createSandbox without a usable bwrap", () => {
  test("asks once, then refuses every command with a reason the model can read", async () => {
    const reasons: string[] = [];
    const s = createSandbox(policy, {
      bwrap: null,
      onUnavailable: (r) => {
        reasons.push(r);
        return false;
      },
    });
    const a = await s.launch(["bash", "-c", "ls"], where);
    const b = await s.launch(["bash", "-c", "ls"], where);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("not installed");
    expect(a).toMatchObject({ kind: "refused" });
    expect(a.kind === "refused" && a.message).toContain("SANDBOX_UNAVAILABLE");
    expect(a.kind === "refused" && a.message).toContain("--sandbox danger-full-access");
    expect(b).toEqual(a);
  });

  test("runs unsandboxed when the session allows it", async () => {
    const s = createSandbox(policy, { bwrap: null, onUnavailable: () => true });
    expect(await s.launch(["true"], where)).toEqual({ kind: "run", argv: ["true"], sandboxed: false });
  });

  test("a bwrap that cannot start is unavailable too", async () => {
    let reason = "";
    const s = createSandbox(policy, {
      bwrap: "/nonexistent/bwrap",
      onUnavailable: (r) => {
        reason = r;
        return false;
      },
    });
    expect((await s.launch(["true"], where)).kind).toBe("refused");
    expect(reason).toContain("could not start");
  });

  test("danger-full-access wraps nothing and probes nothing", async () => {
    let asked = false;
    const s = createSandbox(
      { ...policy, mode: "danger-full-access" },
      {
        bwrap: null,
        onUnavailable: () => {
          asked = true;
          return false;
        },
      },
    );
    expect(await s.launch(["true"], where)).toEqual({ kind: "run", argv: ["true"], sandboxed: false });
    expect(asked).toBe(false);
  });
});

describe("probeFailure", () => {
  test("names an old bwrap, or the refused namespaces, with bwrap's own line", () => {
    expect(probeFailure("/usr/bin/bwrap", "bwrap: Unknown option --disable-userns\n", 1, null)).toBe(
      "/usr/bin/bwrap is too old (bubblewrap 0.8 or newer is needed for --disable-userns and --size): bwrap: Unknown option --disable-userns",
    );
    expect(probeFailure("b", "bwrap: setting up uid map: Permission denied\n", 1, null)).toBe(
      "bubblewrap cannot create a sandbox here (user namespaces refused?): bwrap: setting up uid map: Permission denied",
    );
    expect(probeFailure("b", "", null, "SIGKILL")).toContain("killed by SIGKILL");
  });
});
