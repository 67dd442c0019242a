/** The weaver pod as built (pure): Kubernetes' OpenAPI schema accepts it, and it is locked down. */
import { describe, expect, test } from "bun:test";
import type { V1Container, V1Pod } from "@kubernetes/client-node";
import type { WeaverSpec } from "../driver.ts";
import { schemaProblems } from "./_schema-check.ts";
import { buildWeaverPod, labelValue, type PodOptions, quantityValue } from "./pod-spec.ts";
import { readiness, weaverInfo } from "./pod-status.ts";

const options: PodOptions = {
  namespace: "loom-weavers",
  image: "loom:1.2.3",
  imagePullPolicy: "IfNotPresent",
  memory: "16Gi",
  cpu: "4",
  memoryRequest: "1Gi",
  cpuRequest: "500m",
};
const now = new Date("2026-12-03T10:00:00.000Z");
const repl: WeaverSpec = {
  id: "weaver-0190a0b0-1111-7000-8000-000000000001",
  owner: { userId: "usr_0190a0b0-0000-7000-8000-000000000001", orgId: "org_1" },
  repo: "https://git.example.test/acme/app.git",
  branch: "feature/x",
  ttlMs: 4 * 3600_000,
  env: { LOOM_SERVER_URL: "http://loom-server.loom.svc:80" },
};
const task: WeaverSpec = { ...repl, task: "fix the failing test", branch: undefined };

function containers(pod: V1Pod): V1Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

describe("weaver pod spec", () => {
  const pods = {
    repl: buildWeaverPod(repl, options, now),
    task: buildWeaverPod(task, options, now),
    gvisor: buildWeaverPod(repl, { ...options, runtimeClass: "gvisor" }, now),
    small: buildWeaverPod({ ...repl, resources: { memory: "512Mi", cpu: "250m" } }, options, now),
  };

  test("every pod the driver builds passes Kubernetes' OpenAPI schema, unknown fields included", () => {
    for (const pod of Object.values(pods)) expect(schemaProblems(pod)).toEqual([]);
  });

  test("the schema check fails on a misspelt field, a wrong type and a bad enum", () => {
    const broken = structuredClone(pods.repl) as unknown as {
      spec: { containers: Record<string, unknown>[]; securityContext: Record<string, unknown> };
    };
    const main = broken.spec.containers[0] as Record<string, unknown>;
    main.securityContext = { readOnlyRootFileSystem: true, runAsUser: "1000" };
    broken.spec.securityContext.seccompProfile = { type: "Default" };
    const problems = schemaProblems(broken as never);
    expect(problems).toContain(".spec.containers[0].securityContext.readOnlyRootFileSystem: unknown field");
    expect(problems.some((p) => p.includes("securityContext/runAsUser must be integer"))).toBe(true);
    expect(
      problems.some((p) => p.includes("seccompProfile/type must be equal to one of the allowed values")),
    ).toBe(true);
  });

  test("security: non-root uid/gid 1000, no capabilities, no escalation, read-only root, seccomp, no token", () => {
    for (const pod of Object.values(pods)) {
      const spec = pod.spec;
      expect(spec?.automountServiceAccountToken).toBe(false);
      expect(spec?.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(spec?.hostNetwork ?? false).toBe(false);
      expect(spec?.hostPID ?? false).toBe(false);
      for (const c of containers(pod)) {
        expect(c.securityContext?.runAsNonRoot).toBe(true);
        expect(c.securityContext?.runAsUser).toBe(1000);
        expect(c.securityContext?.runAsGroup).toBe(1000);
        expect(c.securityContext?.privileged).toBe(false);
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext?.capabilities?.drop).toEqual(["ALL"]);
        expect(c.securityContext?.capabilities?.add).toBeUndefined();
        expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
        expect(c.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
        // The only writable places: the workspace and /tmp, both emptyDir.
        expect(c.volumeMounts?.map((m) => [m.name, m.mountPath])).toEqual([
          ["workspace", "/workspace"],
          ["tmp", "/tmp"],
        ]);
      }
      expect(spec?.volumes?.map((v) => [v.name, v.emptyDir !== undefined])).toEqual([
        ["workspace", true],
        ["tmp", true],
      ]);
    }
  });

  test("limits: 16Gi memory by default, configurable, overridable per weaver; requests never above limits", () => {
    const main = (pod: V1Pod) => pod.spec?.containers[0]?.resources;
    expect(main(pods.repl)).toEqual({
      limits: { memory: "16Gi", cpu: "4" },
      requests: { memory: "1Gi", cpu: "500m" },
    });
    const eight = buildWeaverPod(repl, { ...options, memory: "8Gi", cpu: "2" }, now);
    expect(main(eight)?.limits).toEqual({ memory: "8Gi", cpu: "2" });
    expect(main(pods.small)).toEqual({
      limits: { memory: "512Mi", cpu: "250m" },
      requests: { memory: "512Mi", cpu: "250m" },
    });
    for (const c of containers(pods.repl)) expect(c.resources?.limits?.memory).toBeDefined();
    expect(quantityValue("16Gi")).toBe(16 * 2 ** 30);
    expect(quantityValue("500m")).toBe(0.5);
  });

  test("clone in an init container by arguments; the REPL gets a terminal, a task runs headless", () => {
    const clone = pods.repl.spec?.initContainers?.[0];
    expect(clone?.command).toEqual([
      "git",
      "clone",
      "--no-tags",
      "--branch",
      "feature/x",
      "--single-branch",
      "--",
      repl.repo,
      "/workspace",
    ]);
    expect(pods.task.spec?.initContainers?.[0]?.command).toEqual([
      "git",
      "clone",
      "--no-tags",
      "--",
      repl.repo,
      "/workspace",
    ]);
    const main = pods.repl.spec?.containers[0];
    expect(main).toMatchObject({
      command: ["loom", "repl"],
      stdin: true,
      tty: true,
      workingDir: "/workspace",
    });
    expect(pods.task.spec?.containers[0]).toMatchObject({
      command: ["loom", "run", "--", "fix the failing test"],
      stdin: false,
      tty: false,
    });
    expect(main?.env).toContainEqual({ name: "LOOM_SERVER_URL", value: "http://loom-server.loom.svc:80" });
    expect(main?.env).toContainEqual({ name: "HOME", value: "/tmp/home" });
    expect(pods.repl.spec).toMatchObject({ restartPolicy: "Never", activeDeadlineSeconds: 4 * 3600 });
    const inCluster = buildWeaverPod(repl, { ...options, serverUrl: "http://loom-server.loom.svc" }, now);
    expect(inCluster.spec?.containers[0]?.env).toContainEqual({
      name: "LOOM_SERVER_URL",
      value: "http://loom-server.loom.svc",
    });
    expect(pods.gvisor.spec?.runtimeClassName).toBe("gvisor");
    expect(pods.repl.spec?.runtimeClassName).toBeUndefined();
  });

  test("labels select the weaver; annotations carry what list() needs to rebuild it", () => {
    expect(pods.repl.metadata).toMatchObject({
      name: repl.id,
      namespace: "loom-weavers",
      labels: {
        "loom.dev/managed": "true",
        "loom.dev/weaver-id": repl.id,
        "loom.dev/owner-user-id": repl.owner.userId,
      },
    });
    // Read back as the API would return it once running.
    const back = weaverInfo({ ...pods.task, status: { phase: "Running" } });
    expect(back).toEqual({
      id: repl.id,
      owner: { userId: repl.owner.userId, orgId: "org_1" },
      repo: repl.repo,
      task: "fix the failing test",
      status: "running",
      createdAt: "2026-12-03T10:00:00.000Z",
      expiresAt: "2026-12-03T14:00:00.000Z",
    });
    // An id Kubernetes would refuse as a label value becomes a stable, valid hash.
    expect(labelValue("someone@example.test")).toMatch(/^h-[0-9a-f]{40}$/);
    expect(labelValue("someone@example.test")).toBe(labelValue("someone@example.test"));
  });

  test("bad specs are one clear line each", () => {
    const bad = (s: Partial<WeaverSpec>) => {
      try {
        buildWeaverPod({ ...repl, ...s }, options, now);
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(bad({ id: "weaver-../../etc" })).toBe('not a weaver id: "weaver-../../etc"');
    expect(bad({ repo: " " })).toBe("a weaver needs a repository URL");
    expect(bad({ task: "x".repeat(70_000) })).toBe("the task is longer than 64 KiB");
    expect(bad({ resources: { cpu: "two" } })).toBe(
      "resources.cpu: 'two' is not a Kubernetes quantity (e.g. 8Gi, 2, 500m)",
    );
  });

  test("readiness: waiting with Kubernetes' reason, then ready or failed", () => {
    const pod = structuredClone(pods.repl);
    pod.status = {
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/3 nodes: Insufficient memory.",
        },
      ],
    };
    expect(readiness(pod)).toEqual({ state: "waiting", reason: "0/3 nodes: Insufficient memory." });
    pod.status = {
      phase: "Running",
      containerStatuses: [
        { name: "weaver", image: "i", imageID: "", ready: true, restartCount: 0, state: { running: {} } },
      ],
    };
    expect(readiness(pod)).toEqual({ state: "ready" });
    pod.status = {
      phase: "Failed",
      reason: "DeadlineExceeded",
      message: "Pod was active on the node longer than the specified deadline",
    };
    expect(readiness(pod)).toEqual({
      state: "failed",
      reason: "Pod was active on the node longer than the specified deadline",
    });
    expect(weaverInfo(pod).status).toBe("failed");
  });
});
