/**
 * `[weavers] driver = "kubernetes"` through `startServer`: the server's weaver routes run on the
 * Kubernetes driver (imported on demand) against the loopback stand-in of the API.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WeaversConfig } from "@loom/runtime/config/schema";
import { Value } from "@sinclair/typebox/value";
import { createToken } from "../../auth/tokens.ts";
import { type RunningServer, type ServeOptions, startServer } from "../../serve.ts";
import { KubernetesStandIn } from "./_k8s-stand-in.ts";

let standIn: KubernetesStandIn;
let dir: string;
let server: RunningServer;
let token: string;

beforeAll(async () => {
  standIn = new KubernetesStandIn().start();
  dir = mkdtempSync(join(tmpdir(), "loom-k8s-serve-"));
  writeFileSync(join(dir, "kubeconfig"), standIn.kubeconfig());
  const weavers = Value.Default(WeaversConfig, {
    driver: "kubernetes",
    kubernetes: { kubeconfig: join(dir, "kubeconfig"), in_cluster: false },
  }) as ServeOptions["weavers"];
  server = await startServer({
    port: 0,
    dbPath: join(dir, "server.db"),
    env: { HOME: dir, XDG_DATA_HOME: dir },
    logSink: () => {},
    web: null,
    weavers,
  });
  token = createToken(server.db, { name: "ada" }).token;
});

afterAll(async () => {
  await server?.stop();
  await standIn?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("POST /api/weaver makes a pod through the Kubernetes API; the list comes back from the API", async () => {
  standIn.planFor = () => ({ outcome: "run", hold: true });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const res = await fetch(`${server.url}/api/weaver`, {
    method: "POST",
    headers,
    body: JSON.stringify({ repo: "https://git.example.test/acme/app.git", branch: "main" }),
  });
  expect(res.status).toBe(201);
  const w = (await res.json()) as { id: string };
  expect(w.id).toMatch(/^weaver-/);
  const pod = standIn.pod(w.id).object;
  expect(pod.metadata.namespace).toBe("loom-weavers");
  expect(pod.metadata.labels["loom.dev/weaver-id"]).toBe(w.id);
  const list = (await (await fetch(`${server.url}/api/weavers`, { headers })).json()) as {
    items: { id: string }[];
  };
  expect(list.items.map((i) => i.id)).toContain(w.id);
  const del = await fetch(`${server.url}/api/weaver/${w.id}`, { method: "DELETE", headers });
  expect(del.status).toBeLessThan(300);
});
