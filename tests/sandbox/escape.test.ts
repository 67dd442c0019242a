/**
 * The escape suite: every attempt to get out of the real sandbox (bubblewrap) fails, and the
 * sandbox keeps running commands afterwards. Without bwrap the suite skips on a developer's
 * machine and fails in CI (scripts/test-deps.sh installs it).
 */
import { afterAll, describe, expect } from "bun:test";
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import { testNeeding } from "../cli/_needs-tool.ts";
import { bash, CANARY, makeWorld, worldSandbox } from "./_fixture.ts";

const probe = await probeSandbox(findBwrap());
if (!probe.ok) process.stderr.write(`sandbox tests: ${probe.reason}\n`);
const it = testNeeding("bubblewrap (a working bwrap)", probe.ok);

const w = makeWorld();
const sandbox = worldSandbox(w);
afterAll(() => w.cleanup());

/** After each escape attempt: the sandbox still runs a normal command that writes in the workspace. */
async function stillWorks(): Promise<void> {
  const r = await bash(w, sandbox, "echo ok > still.txt && cat still.txt");
  expect(r).toMatchObject({ exit_code: 0, stdout: "ok\n", sandbox: "workspace-write" });
}

/** Host PIDs whose command line contains `marker`. */
function pidsWith(marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8").replaceAll("\0", " ");
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const zombie = stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
      if (!zombie && cmd.includes(marker)) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Waits (bounded) until no live process carries `marker`; returns the ones left. */
async function survivors(marker: string): Promise<number[]> {
  for (let i = 0; i < 100; i++) {
    const left = pidsWith(marker);
    if (left.length === 0) return [];
    await Bun.sleep(20);
  }
  return pidsWith(marker);
}

describe("sandbox escapes (workspace-write)", () => {
  it("writing outside the workspace by absolute path fails and says why", async () => {
    const r = await bash(w, sandbox, `echo pwned > ${join(w.outside, "abs.txt")}`);
    expect(r.exit_code).not.toBe(0);
    expect(r.stderr).toContain("Read-only file system");
    expect(r.sandbox_denied).toContain("denied a write");
    expect(existsSync(join(w.outside, "abs.txt"))).toBe(false);
    await stillWorks();
  });

  it("writing through .. fails", async () => {
    const r = await bash(
      w,
      sandbox,
      "echo pwned > ../outside/dotdot.txt; echo pwned >> ../outside/victim.txt",
    );
    expect(r.exit_code).not.toBe(0);
    expect(existsSync(join(w.outside, "dotdot.txt"))).toBe(false);
    expect(readFileSync(w.victim, "utf8")).toBe("original\n");
    await stillWorks();
  });

  it("writing through a symlink planted in the workspace fails", async () => {
    symlinkSync(w.outside, join(w.ws, "planted"));
    const r = await bash(w, sandbox, "echo pwned > planted/sym.txt; echo pwned > planted/victim.txt");
    expect(r.exit_code).not.toBe(0);
    expect(existsSync(join(w.outside, "sym.txt"))).toBe(false);
    expect(readFileSync(w.victim, "utf8")).toBe("original\n");
    await stillWorks();
  });

  it("writing through /proc/self/root and /proc/1/root fails", async () => {
    const r = await bash(
      w,
      sandbox,
      `echo pwned > /proc/self/root${w.outside}/proc.txt; echo pwned > /proc/1/root${w.victim}`,
    );
    expect(r.exit_code).not.toBe(0);
    expect(existsSync(join(w.outside, "proc.txt"))).toBe(false);
    expect(readFileSync(w.victim, "utf8")).toBe("original\n");
    await stillWorks();
  });

  it("a hard link to a file outside cannot be made, so nothing is written through one", async () => {
    const r = await bash(w, sandbox, `ln ${w.victim} hard && echo pwned >> hard`);
    expect(r.exit_code).not.toBe(0);
    expect(existsSync(join(w.ws, "hard"))).toBe(false);
    expect(readFileSync(w.victim, "utf8")).toBe("original\n");
    await stillWorks();
  });

  it("credential stores in HOME read as empty, by path and through a planted symlink", async () => {
    symlinkSync(join(w.home, ".ssh"), join(w.ws, "keys"));
    const r = await bash(
      w,
      sandbox,
      [
        `cat ${w.home}/.ssh/id_ed25519`,
        `cat ${w.home}/.aws/credentials`,
        `cat ${w.home}/.netrc`,
        `cat ${w.home}/.config/loom/credentials.json`,
        "cat keys/id_ed25519",
        `ls -a ${w.home}/.ssh`,
        `grep -r ${CANARY} ${w.home}`,
      ].join("; "),
    );
    expect(r.stdout + r.stderr).not.toContain(CANARY);
    expect(r.sandbox_denied).toContain("hides credential stores");
    await stillWorks();
  });

  it("a loopback server outside the sandbox's network namespace cannot be reached", async () => {
    let hits = 0;
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => {
        hits++;
        return new Response("host");
      },
    });
    try {
      const r = await bash(
        w,
        sandbox,
        `exec 3<>/dev/tcp/127.0.0.1/${server.port} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`,
      );
      expect(r.exit_code).not.toBe(0);
      expect(r.stdout).not.toContain("host");
      expect(r.sandbox_denied).toContain("no network");
      expect(hits).toBe(0);
    } finally {
      server.stop(true);
    }
    await stillWorks();
  });

  it("setsid and a double fork do not outlive a timeout", async () => {
    const r = await bash(
      w,
      sandbox,
      "setsid sleep 9871 & (bash -c 'sleep 9872 & disown' &) ; nohup sleep 9873 >/dev/null 2>&1 & sleep 9874",
      { timeout_ms: 500 },
    );
    expect(r.timed_out).toBe(true);
    for (const m of ["sleep 9871", "sleep 9872", "sleep 9873", "sleep 9874"])
      expect(await survivors(m)).toEqual([]);
    await stillWorks();
  });

  it("processes left behind when the command ends, even setsid ones, die with it", async () => {
    const r = await bash(w, sandbox, "setsid sleep 9875 & (sleep 9876 &) ; echo started");
    expect(r.exit_code).toBe(0);
    for (const m of ["sleep 9875", "sleep 9876"]) expect(await survivors(m)).toEqual([]);
    await stillWorks();
  });

  it("the agent's process and others outside cannot be signalled", async () => {
    const sentinel = Bun.spawn(["sleep", "9877"]);
    try {
      const r = await bash(
        w,
        sandbox,
        `kill -9 ${process.pid}; kill -9 ${sentinel.pid}; kill -TERM $PPID; echo after`,
      );
      expect(r.stderr).toContain("No such process");
      expect(sentinel.killed || sentinel.exitCode !== null).toBe(false);
      expect(pidsWith("sleep 9877")).toEqual([sentinel.pid]);
    } finally {
      sentinel.kill("SIGKILL");
    }
    await stillWorks();
  });

  it("the sandbox cannot gain capabilities or a new user namespace", async () => {
    const r = await bash(
      w,
      sandbox,
      "grep CapEff /proc/self/status; unshare -U true || echo no-userns; mount -t tmpfs x /mnt || echo no-mount",
    );
    expect(r.stdout).toContain("CapEff:\t0000000000000000");
    expect(r.stdout).toContain("no-userns");
    expect(r.stdout).toContain("no-mount");
    await stillWorks();
  });
});

describe("normal work inside the sandbox", () => {
  it("git status, a commit, bun and writing files in the workspace work", async () => {
    writeFileSync(join(w.ws, "a.txt"), "a\n");
    const r = await bash(
      w,
      sandbox,
      [
        "git status --short",
        "git add a.txt && git -c user.name=t -c user.email=t@e commit -qm first && git log --oneline | wc -l",
        `${process.execPath} -e "require('fs').writeFileSync('from-bun.txt', String(6 * 7))"`,
        "cat <<EOF > heredoc.txt\nhere\nEOF",
        "echo tmp > /tmp/scratch && cat /tmp/scratch",
      ].join("\n"),
    );
    expect(r.stderr).toBe("");
    expect(r).toMatchObject({ exit_code: 0, sandbox: "workspace-write" });
    expect(r.stdout).toContain("?? a.txt");
    expect(r.stdout).toContain("tmp\n");
    expect(readFileSync(join(w.ws, "from-bun.txt"), "utf8")).toBe("42");
    expect(readFileSync(join(w.ws, "heredoc.txt"), "utf8")).toBe("here\n");
  });

  it("a server the command starts itself is reachable on the sandbox's loopback", async () => {
    const script =
      'const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("inside") }); console.log(await (await fetch("http://127.0.0.1:" + s.port)).text()); s.stop(true);';
    const r = await bash(w, sandbox, `${process.execPath} -e '${script}'`);
    expect(r).toMatchObject({ exit_code: 0, stdout: "inside\n" });
  });

  it("git hooks and config stay read-only in the writable git dir", async () => {
    const r = await bash(
      w,
      sandbox,
      "echo 'touch /pwned' > .git/hooks/pre-commit; git config core.pager evil",
    );
    expect(r.exit_code).not.toBe(0);
    expect(existsSync(join(w.ws, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(readFileSync(join(w.ws, ".git", "config"), "utf8")).not.toContain("evil");
  });
});

describe("read-only sandbox", () => {
  it("writes in the workspace fail too; reads work", async () => {
    const ro = worldSandbox(w, "read-only");
    writeFileSync(join(w.ws, "readme.txt"), "read me\n");
    const r = await bash(w, ro, "cat readme.txt; echo x > ro.txt");
    expect(r.stdout).toBe("read me\n");
    expect(r.exit_code).not.toBe(0);
    expect(r.sandbox).toBe("read-only");
    expect(r.sandbox_denied).toContain("read-only");
    expect(existsSync(join(w.ws, "ro.txt"))).toBe(false);
  });
});
