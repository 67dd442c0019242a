/**
 * The local driver's own edges (its end-to-end test is tests/weavers/local-weaver.test.ts): no
 * sandbox → a one-line refusal unless `sandbox = "none"`; a clone that fails is a failed weaver with
 * git's reason; a weaver whose supervisor is gone is reported failed, not running.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emptyRepo } from "../_test-repo.ts";
import { createLocalDriver } from "./local-driver.ts";
import { makeWeaverDir, writeJson, writeState } from "./weaver-dir.ts";

const root = mkdtempSync(join(tmpdir(), "loom-local-driver-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const spec = (over: Record<string, unknown> = {}) => ({
  id: `weaver-${Bun.randomUUIDv7()}`,
  owner: { userId: "u1" },
  repo: join(root, "no-such-repo"),
  ttlMs: 60_000,
  ...over,
});

test("without a sandbox, create refuses in one line naming the reason and the way out", async () => {
  const d = createLocalDriver({
    root: join(root, "a"),
    serverUrl: () => "http://127.0.0.1:9",
    probe: async () => ({ ok: false, reason: "bubblewrap (bwrap) is not installed" }),
  });
  const e = await d.create(spec()).catch((x: Error) => x);
  expect((e as Error).message).toBe(
    'local weavers need a sandbox and none can be made here: bubblewrap (bwrap) is not installed (or set [weavers.local] sandbox = "none")',
  );
  expect(await d.list()).toEqual([]);
});

test('sandbox = "none": a repository that cannot be cloned fails the weaver with git\'s reason, in its log too', async () => {
  const d = createLocalDriver({
    root: join(root, "b"),
    serverUrl: () => "http://127.0.0.1:9",
    sandbox: "none",
  });
  const s = spec();
  const created = await d.create(s);
  expect(created.status).toBe("pending");
  const e = await d.waitReady(s.id, 20_000).catch((x: Error) => x);
  expect((e as Error).message).toStartWith("git clone failed: ");
  const info = await d.get(s.id);
  expect(info?.status).toBe("failed");
  const lines: string[] = [];
  for await (const l of d.logs(s.id, { follow: true })) lines.push(l.line);
  expect(lines[0]).toBe(`cloning ${s.repo}`);
  expect(lines.at(-1)).toStartWith(`weaver ${s.id}: git clone failed: `);
  expect(await d.delete(s.id)).toBe(true);
  expect(await d.delete(s.id)).toBe(false);
  expect(await d.get(s.id)).toBeUndefined();
});

test("a weaver whose supervisor is gone (or whose pid now belongs to another process) is failed, not running", async () => {
  const r = join(root, "c");
  const d = createLocalDriver({ root: r, serverUrl: () => "http://127.0.0.1:9", sandbox: "none" });
  const s = spec();
  const dir = makeWeaverDir(r, s.id);
  writeJson(join(dir, "spec.json"), { ...s, createdAt: new Date().toISOString() });
  // This very process, but with another start time: a reused pid.
  writeState(dir, { pid: process.pid, startTicks: 1, status: "running" });
  const [w] = await d.list();
  expect(w?.status).toBe("failed");
  expect(w?.reason).toBe("the weaver's process is gone (machine restarted or killed)");
  expect(await d.get("../../etc")).toBeUndefined();

  // A folder whose supervisor never wrote its state: pending at first, failed after 30 s.
  const late = spec();
  writeJson(join(makeWeaverDir(r, late.id), "spec.json"), {
    ...late,
    createdAt: new Date(Date.now() - 60_000).toISOString(),
  });
  expect(await d.get(late.id)).toMatchObject({
    status: "failed",
    reason: "the weaver's supervisor did not start",
  });
});

test("attach: the terminal takes typed bytes and resizes; detaching leaves the weaver running", async () => {
  const repo = emptyRepo(join(root, "repo"));
  // A stand-in for the REPL that prints the terminal's size for each line typed.
  const d = createLocalDriver({
    root: join(root, "d"),
    serverUrl: () => "http://127.0.0.1:9",
    sandbox: "none",
    loom: ["sh", "-c", 'echo ready; while read l; do echo "got $l"; stty size; done', "sh"],
  });
  const s = spec({ repo });
  await d.create(s);
  await d.waitReady(s.id, 20_000);
  const a = await d.attach(s.id, { cols: 90, rows: 20 });
  let seen = "";
  const done = (async () => {
    for await (const c of a.output) seen += new TextDecoder().decode(c);
  })();
  const until = async (what: string) => {
    for (let i = 0; i < 400 && !seen.includes(what); i++) await Bun.sleep(25);
    expect(seen).toContain(what);
  };
  await until("ready");
  a.write(new TextEncoder().encode("one\n"));
  await until("20 90");
  a.resize(100, 30);
  a.write(new TextEncoder().encode("two\n"));
  await until("30 100");
  expect(seen).toContain("got two");
  a.close();
  await done;
  expect((await d.get(s.id))?.status).toBe("running");
  expect(await d.delete(s.id)).toBe(true);
}, 30_000);
