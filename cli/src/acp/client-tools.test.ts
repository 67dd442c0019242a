import { describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import type { Tool, ToolProgress } from "@loom/runtime/tool";
import { withTerminals } from "../../../tests/acp/harness.ts";
import { applyEdits, editArgs, formatRead, readArgs } from "./client-tool-io.ts";
import { wrapForClient } from "./client-tools.ts";

describe("client tool io", () => {
  test("edits apply in order, all or nothing, with the built-in tool's rules", () => {
    const args = (edits: { old: string; new: string; replace_all?: boolean }[]) =>
      editArgs({ path: "f", edits });
    expect(
      applyEdits(
        "a b a",
        args([
          { old: "b", new: "c" },
          { old: "c", new: "d" },
        ]),
      ),
    ).toEqual({
      text: "a d a",
      created: false,
      replacements: 2,
    });
    expect(() => applyEdits("a b a", args([{ old: "a", new: "x" }]))).toThrow("matches 2 places");
    expect(applyEdits("a b a", args([{ old: "a", new: "x", replace_all: true }])).replacements).toBe(2);
    expect(applyEdits(undefined, args([{ old: "", new: "new file" }]))).toEqual({
      text: "new file",
      created: true,
      replacements: 0,
    });
    expect(() => applyEdits("x", args([{ old: "", new: "y" }]))).toThrow("already exists");
    expect(() => applyEdits(undefined, args([{ old: "a", new: "b" }]))).toThrow("does not exist");
    expect(() => applyEdits("a", args([{ old: "zz", new: "b" }]))).toThrow("not found");
    expect(() => editArgs({ path: "f", edits: [] })).toThrow("non-empty");
  });

  test("read output has read_file's shape, whole or ranged", () => {
    expect(formatRead("a.ts", "x\ny\n", readArgs({ path: "a.ts" }))).toEqual({
      path: "a.ts",
      content: "x\ny\n",
      size: 4,
      truncated: false,
    });
    expect(formatRead("a.ts", "b\nc\nd\n", readArgs({ path: "a.ts", start_line: 2, end_line: 3 }))).toEqual({
      path: "a.ts",
      content: "b\nc\n",
      start_line: 2,
      end_line: 3,
      truncated: false,
    });
    expect(() => readArgs({ path: "a", start_line: 3, end_line: 2 })).toThrow("end_line");
  });
});

/** A client whose terminals are real processes, as an editor would run them. */
/** A client offering terminals backed by real child processes (the e2e harness's). */
function terminalClient() {
  const created: acp.CreateTerminalRequest[] = [];
  return { app: withTerminals(acp.client({ name: "terminals" }), created), created };
}

describe("client terminals", () => {
  test("bash runs in a client terminal, embedded in the tool call, with bash's output shape", async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), "loom-acp-term-")));
    const bash: Tool = {
      name: "bash",
      description: "bash",
      inputSchema: {},
      mutating: true,
      async invoke() {
        return { output: "ran locally" };
      },
    };
    const { app, created } = terminalClient();
    let ctx!: acp.AgentContext;
    const agent = acp.agent({ name: "a" }).onConnect((c) => {
      ctx = c.client;
    });
    await app.connectWith(agent, async () => {
      const tool = wrapForClient(bash, {
        caps: { terminal: true },
        client: ctx,
        sessionId: () => "S",
        cwd: root,
      });
      const progress: ToolProgress[] = [];
      const r = await tool.invoke(
        { command: "echo hi; echo oops >&2; exit 3" },
        {
          workspaceRoot: root,
          signal: new AbortController().signal,
          callId: "c",
          onProgress: (p) => progress.push(p),
        },
      );
      expect(r.isError).toBe(true);
      expect(r.output).toMatchObject({
        exit_code: 3,
        signal: null,
        cancelled: false,
        timed_out: false,
        stdout: "hi\noops\n",
      });
      expect(progress).toEqual([{ data: { terminalId: "term-1" } }]);
      expect(created[0]).toMatchObject({
        sessionId: "S",
        command: "bash",
        args: ["-c", "echo hi; echo oops >&2; exit 3"],
        cwd: root,
      });

      const abort = new AbortController();
      const slow = tool.invoke(
        { command: "sleep 30" },
        { workspaceRoot: root, signal: abort.signal, callId: "d" },
      );
      for (let i = 0; i < 500 && created.length < 2; i++) await Bun.sleep(2);
      abort.abort();
      expect((await slow).output).toMatchObject({ cancelled: true });

      const plain = wrapForClient(bash, { caps: {}, client: ctx, sessionId: () => "S", cwd: root });
      expect(
        (await plain.invoke({}, { workspaceRoot: root, signal: abort.signal, callId: "e" })).output,
      ).toBe("ran locally");
    });
  });
});
