/**
 * The Kubernetes driver — the real code and the real @kubernetes/client-node — against the
 * loopback stand-in of the API (one per file), reached through a kubeconfig file.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WeaversKubernetesConfig } from "@loom/runtime/config/weavers-kubernetes";
import { LoomError } from "@loom/runtime/errors";
import type { LogLine, WeaverDriver, WeaverSpec } from "../driver.ts";
import { KubernetesStandIn } from "./_k8s-stand-in.ts";
import { createKubernetesDriver } from "./index.ts";

let standIn: KubernetesStandIn;
let dir: string;
let config: WeaversKubernetesConfig;
let driver: WeaverDriver;

beforeAll(() => {
  standIn = new KubernetesStandIn().start();
  dir = mkdtempSync(join(tmpdir(), "loom-k8s-"));
  writeFileSync(join(dir, "kubeconfig"), standIn.kubeconfig());
  config = {
    namespace: "loom-weavers",
    image: "loom:test",
    image_pull_policy: "IfNotPresent",
    memory: "16Gi",
    cpu: "4",
    memory_request: "1Gi",
    cpu_request: "500m",
    in_cluster: false,
    kubeconfig: join(dir, "kubeconfig"),
  };
  driver = createKubernetesDriver(config);
});

afterAll(async () => {
  await driver.close();
  await standIn.stop();
  rmSync(dir, { recursive: true, force: true });
});

function spec(extra: Partial<WeaverSpec> = {}): WeaverSpec {
  return {
    id: `weaver-${Bun.randomUUIDv7()}`,
    owner: { userId: "usr_0190a0b0-0000-7000-8000-000000000001" },
    repo: "https://git.example.test/acme/app.git",
    branch: "main",
    ttlMs: 4 * 3600_000,
    ...extra,
  };
}

async function failure(p: Promise<unknown>): Promise<LoomError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LoomError) return e;
    throw e;
  }
  throw new Error("expected a LoomError");
}

async function running(extra: Partial<WeaverSpec> = {}): Promise<string> {
  const w = await driver.create(spec(extra));
  await driver.waitReady(w.id, 60_000);
  return w.id;
}

describe("kubernetes driver", () => {
  test("create → ready: the pod is created, and waitReady follows its watch until it runs", async () => {
    standIn.planFor = () => ({ outcome: "run", hold: true });
    const s = spec({ owner: { userId: "usr_a", orgId: "org_b" } });
    const created = await driver.create(s);
    expect(created).toMatchObject({ id: s.id, status: "pending", repo: s.repo, branch: "main" });
    expect(standIn.pod(s.id).object.metadata.labels["loom.dev/managed"]).toBe("true");
    const ready = driver.waitReady(s.id, 60_000);
    await standIn.until(() => standIn.watching > 0);
    const watches = () =>
      standIn.requests.filter((r) => r.includes("watch=true") && r.includes(`metadata.name%3D${s.id}`));
    expect(watches()).toHaveLength(1);
    // A watch the server ends is resumed from a fresh read.
    standIn.dropWatches();
    await standIn.until(() => standIn.watching > 0 && watches().length === 2);
    standIn.release(s.id);
    expect(await ready).toMatchObject({
      id: s.id,
      status: "running",
      owner: { userId: "usr_a", orgId: "org_b" },
    });
    standIn.planFor = () => ({ outcome: "run" });
  });

  test("list() rediscovers every weaver from the API alone, in a new driver instance", async () => {
    const a = await driver.create(
      spec({ task: "fix the failing test", owner: { userId: "usr_x", orgId: "org_y" } }),
    );
    const b = await driver.create(spec({ branch: undefined }));
    const fresh = createKubernetesDriver(config);
    const listed = await fresh.list();
    const byId = new Map(listed.map((w) => [w.id, w]));
    expect(byId.get(a.id)).toMatchObject({
      owner: { userId: "usr_x", orgId: "org_y" },
      task: "fix the failing test",
      createdAt: a.createdAt,
      expiresAt: a.expiresAt,
    });
    expect(byId.get(b.id)?.branch).toBeUndefined();
    expect(Date.parse(a.expiresAt) - Date.parse(a.createdAt)).toBe(4 * 3600_000);
    expect(await fresh.get(b.id)).toMatchObject({ id: b.id, repo: b.repo });
    expect(await fresh.get("weaver-not-a-uuid")).toBeUndefined();
    expect(await fresh.get(`weaver-${Bun.randomUUIDv7()}`)).toBeUndefined();
    await fresh.close();
  });

  test("pods Loom does not manage are neither listed nor reachable", async () => {
    const id = `weaver-${Bun.randomUUIDv7()}`;
    const res = await fetch(`${standIn.url}/api/v1/namespaces/loom-weavers/pods`, {
      method: "POST",
      headers: { authorization: `Bearer ${standIn.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: id },
        spec: { containers: [{ name: "weaver", image: "other" }] },
      }),
    });
    expect(res.status).toBe(201);
    expect((await driver.list()).some((w) => w.id === id)).toBe(false);
    expect(await driver.get(id)).toBeUndefined();
    expect(await driver.delete(id)).toBe(false);
    expect(standIn.pods.has(`loom-weavers/${id}`)).toBe(true);
  });

  test("logs: tail gives the last lines with their times; follow streams new ones until aborted", async () => {
    const id = await running();
    for (const n of [1, 2, 3, 4]) standIn.print(id, `line ${n}`);
    const tail: LogLine[] = [];
    for await (const l of driver.logs(id, { tail: 2 })) tail.push(l);
    expect(tail.map((l) => l.line)).toEqual(["line 3", "line 4"]);
    expect(tail[1]?.timestamp).toBe(new Date(Date.parse(tail[1]?.timestamp ?? "")).toISOString());
    expect(standIn.requests.some((r) => r.includes(`${id}/log?`) && r.includes("tailLines=2"))).toBe(true);

    const abort = new AbortController();
    const seen: string[] = [];
    const follow = (async () => {
      for await (const l of driver.logs(id, { follow: true, tail: 1, signal: abort.signal })) {
        seen.push(l.line);
        if (l.line === "line 5") abort.abort();
      }
    })();
    await standIn.until(() => standIn.following(id) > 0);
    standIn.print(id, "line 5");
    await follow;
    expect(seen).toEqual(["line 4", "line 5"]);
    await standIn.until(() => standIn.following(id) === 0);
  });

  test("attach: typed bytes round-trip through the terminal, resize sends the size, close detaches", async () => {
    const id = await running();
    const session = await driver.attach(id, { cols: 100, rows: 30 });
    const pod = standIn.pod(id);
    await standIn.until(() => pod.resizes.some((r) => r.width === 100 && r.height === 30));
    const reader = session.output[Symbol.asyncIterator]();
    session.write(new TextEncoder().encode("hello\r"));
    let echoed = "";
    while (!echoed.includes("hello\r\n")) {
      const next = await reader.next();
      if (next.done) break;
      echoed += new TextDecoder().decode(next.value);
    }
    expect(echoed).toBe("hello\r\n");
    expect(pod.stdin).toBe("hello\r");
    session.resize(120, 40);
    await standIn.until(() => pod.resizes.some((r) => r.width === 120 && r.height === 40));
    session.close();
    await standIn.until(() => standIn.attached(id) === 0);
    expect(pod.stdinClosed).toBe(false);
    expect((await driver.get(id))?.status).toBe("running");
  });

  test("attach: the terminal ends when the REPL exits", async () => {
    const id = await running();
    const session = await driver.attach(id);
    await standIn.until(() => standIn.attached(id) > 0);
    session.write(new Uint8Array([4]));
    const chunks: Uint8Array[] = [];
    for await (const c of session.output) chunks.push(c);
    expect(chunks).toEqual([]);
    expect(await driver.get(id)).toMatchObject({ status: "succeeded", exitCode: 0 });
  });

  test("a task weaver runs to completion; its output is its log; it has no terminal", async () => {
    standIn.planFor = () => ({ outcome: "complete", lines: ["reading the code", "done: 1 file changed"] });
    const w = await driver.create(spec({ task: "fix it" }));
    expect(standIn.pod(w.id).object.spec.containers[0].command).toEqual(["loom", "run", "--", "fix it"]);
    await standIn.until(() => standIn.pod(w.id).object.status.phase === "Succeeded");
    expect(await driver.get(w.id)).toMatchObject({ status: "succeeded", exitCode: 0, task: "fix it" });
    const lines: string[] = [];
    for await (const l of driver.logs(w.id, { follow: true })) lines.push(l.line);
    expect(lines).toEqual(["loom: weaver started", "reading the code", "done: 1 file changed"]);
    const e = await failure(driver.attach(w.id));
    expect(e.message).toBe(`weaver ${w.id} runs a task and has no terminal; read its logs`);
    standIn.planFor = () => ({ outcome: "run" });
  });

  test("a weaver whose process fails is failed, with its message and exit code", async () => {
    const id = await running();
    standIn.exit(id, 137, "OOMKilled: memory limit 16Gi reached");
    expect(await driver.get(id)).toMatchObject({
      status: "failed",
      exitCode: 137,
      reason: "OOMKilled: memory limit 16Gi reached",
    });
  });

  test("claimExit: true once per weaver, recorded on the pod (a new driver instance gets false)", async () => {
    const id = await running();
    standIn.exit(id, 0);
    expect(await driver.claimExit(id)).toBe(true);
    expect(standIn.pod(id).object.metadata.annotations["loom.dev/exit-reported"]).toBe("true");
    expect(await createKubernetesDriver(config).claimExit(id)).toBe(false);
    expect(await driver.claimExit(`weaver-${Bun.randomUUIDv7()}`)).toBe(false);
  });

  test("close() ends what a driver has open: followed logs, attached terminals, waits", async () => {
    const id = await running();
    const other = createKubernetesDriver(config);
    const session = await other.attach(id);
    const lines: string[] = [];
    const follow = (async () => {
      for await (const l of other.logs(id, { follow: true, tail: 0 })) lines.push(l.line);
    })();
    standIn.planFor = () => ({ outcome: "run", hold: true });
    const held = await other.create(spec());
    const waiting = failure(other.waitReady(held.id, 60_000));
    await standIn.until(() => standIn.following(id) > 0 && standIn.attached(id) > 0 && standIn.watching > 0);
    await other.close();
    await follow;
    for await (const _ of session.output) break;
    expect((await waiting).message).toBe("the Kubernetes driver was closed");
    await standIn.until(() => standIn.following(id) === 0 && standIn.attached(id) === 0);
    expect((await driver.get(id))?.status).toBe("running");
    standIn.planFor = () => ({ outcome: "run" });
  });

  test("delete removes the pod; deleting it again or an unknown id is false", async () => {
    const id = await running();
    expect(await driver.delete(id)).toBe(true);
    await standIn.until(() => !standIn.pods.has(`loom-weavers/${id}`));
    expect(await driver.get(id)).toBeUndefined();
    expect(await driver.delete(id)).toBe(false);
    expect(await driver.delete(`weaver-${Bun.randomUUIDv7()}`)).toBe(false);
  });

  test("a pod not ready in time is reported failed, with Kubernetes' reason, to every driver", async () => {
    standIn.planFor = () => ({ outcome: "image-pull-backoff" });
    const w = await driver.create(spec());
    const e = await failure(driver.waitReady(w.id, 300));
    expect(e.code).toBe("WEAVER_FAILED");
    expect(e.message).toBe(
      `weaver ${w.id} failed: not ready within 0.3 s (ImagePullBackOff: Back-off pulling image "loom:test")`,
    );
    const fresh = createKubernetesDriver(config);
    expect(await fresh.get(w.id)).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("not ready"),
    });
    await fresh.close();
    standIn.planFor = () => ({ outcome: "run" });
  });

  test("a failed clone fails the weaver with git's message", async () => {
    standIn.planFor = () => ({ outcome: "fail-clone" });
    const w = await driver.create(spec({ repo: "https://git.example.test/nope.git" }));
    const e = await failure(driver.waitReady(w.id, 60_000));
    expect(e.message).toBe(
      `weaver ${w.id} failed: clone failed (exit 128): fatal: repository 'https://git.example.test/nope.git' not found`,
    );
    expect((await driver.get(w.id))?.status).toBe("failed");
    standIn.planFor = () => ({ outcome: "run" });
  });

  test("API errors surface as one clear line", async () => {
    const s = spec();
    await driver.create(s);
    const conflict = await failure(driver.create(s));
    expect(conflict.code).toBe("CONFLICT");
    expect(conflict.message).toBe(
      `Kubernetes API: create pod ${s.id} in loom-weavers: pods "${s.id}" already exists (409 AlreadyExists)`,
    );

    const missing = createKubernetesDriver({ ...config, namespace: "nope" });
    const ns = await failure(missing.list());
    expect(ns.message).toBe('Kubernetes API: list pods in nope: namespaces "nope" not found (404 NotFound)');

    writeFileSync(join(dir, "bad-token"), standIn.kubeconfig().replace(standIn.token, "wrong"));
    const denied = await failure(
      createKubernetesDriver({ ...config, kubeconfig: join(dir, "bad-token") }).list(),
    );
    expect(denied.code).toBe("PERMISSION_DENIED");
    expect(denied.message).toBe("Kubernetes API: list pods in loom-weavers: Unauthorized (401)");

    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const url = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    writeFileSync(join(dir, "down"), standIn.kubeconfig().replace(standIn.url, url));
    const down = await failure(createKubernetesDriver({ ...config, kubeconfig: join(dir, "down") }).list());
    expect(down.message).toStartWith(`Kubernetes API at ${url}: list pods in loom-weavers: `);

    const id = await running();
    standIn.forbidden.add("attach").add("log");
    const noAttach = await failure(driver.attach(id));
    expect(noAttach.code).toBe("PERMISSION_DENIED");
    expect(noAttach.message).toBe(`Kubernetes API: attach to ${id}: the WebSocket upgrade was refused (403)`);
    const noLog = await failure(
      (async () => {
        for await (const _ of driver.logs(id)) break;
      })(),
    );
    expect(noLog.code).toBe("PERMISSION_DENIED");
    expect(noLog.message).toBe(
      `Kubernetes API: read the log of ${id}: pods "${id}" is forbidden: User "system:serviceaccount:loom:loom-server" cannot get resource "pods/log" in API group "" in the namespace "loom-weavers" (403 Forbidden)`,
    );
    standIn.forbidden.clear();

    const tooBig = await failure(driver.create(spec({ resources: { memory: "lots" } })));
    expect(tooBig.message).toBe("resources.memory: 'lots' is not a Kubernetes quantity (e.g. 8Gi, 2, 500m)");
    for (const e of [conflict, ns, denied, down, noAttach, noLog, tooBig])
      expect(e.message).not.toContain("\n");
  });

  test("bad settings fail at creation as one CONFIG_INVALID line", () => {
    const bad = (extra: Partial<WeaversKubernetesConfig>, env: Record<string, string> = {}) => {
      try {
        createKubernetesDriver({ ...config, ...extra }, { env });
      } catch (e) {
        return e as LoomError;
      }
      throw new Error("expected an error");
    };
    expect(bad({ memory: "16 GB" }).message).toBe(
      "weavers.kubernetes.memory: '16 GB' is not a Kubernetes quantity (e.g. 16Gi, 2, 500m)",
    );
    expect(bad({ kubeconfig: join(dir, "absent") }).message).toBe(
      `weavers.kubernetes.kubeconfig: no file at ${join(dir, "absent")}`,
    );
    expect(bad({ context: "other" }).message).toBe(
      "weavers.kubernetes.context: no context 'other' in the kubeconfig",
    );
    expect(bad({ in_cluster: true }).message).toBe(
      "weavers.kubernetes.in_cluster: not running in a Kubernetes pod (no KUBERNETES_SERVICE_HOST or service account token)",
    );
    // No kubeconfig anywhere: no silent fallback to http://localhost:8080.
    expect(bad({ kubeconfig: undefined }, { HOME: dir }).message).toStartWith(
      "weavers.kubernetes: no cluster configured",
    );
    writeFileSync(join(dir, "garbage"), "clusters: [oops");
    expect(bad({ kubeconfig: join(dir, "garbage") }).message).toStartWith(
      "weavers.kubernetes: cannot load the cluster's configuration: ",
    );
    expect(bad({ memory: "16 GB" }).code).toBe("CONFIG_INVALID");
  });
});
