/**
 * deploy/kubernetes/: every manifest passes Kubernetes' OpenAPI schema, the server's rights stop
 * at pods in loom-weavers, the NetworkPolicy fences the pods the driver builds, and the server's
 * config section loads and yields a valid weaver pod.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@loom/runtime/config";
import { parseAllDocuments } from "yaml";
import { schemaProblems } from "./_schema-check.ts";
import { podOptions } from "./index.ts";
import { buildWeaverPod, LABEL_MANAGED } from "./pod-spec.ts";

const deploy = join(import.meta.dir, "../../../../deploy");
const dir = join(deploy, "kubernetes");

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML
type Manifest = any;

const manifests: { file: string; object: Manifest }[] = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      return { file, object: doc.toJS() };
    }),
  );

function one(kind: string, name: string): Manifest {
  const found = manifests.filter((m) => m.object.kind === kind && m.object.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0]?.object;
}

describe("deploy/kubernetes", () => {
  test("every manifest passes Kubernetes' OpenAPI schema (unknown fields included)", () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const { file, object } of manifests)
      expect({ file, kind: object.kind, problems: schemaProblems(object) }).toEqual({
        file,
        kind: object.kind,
        problems: [],
      });
    const kinds = new Set(manifests.map((m) => m.object.kind));
    for (const k of [
      "Namespace",
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "Deployment",
      "Service",
      "NetworkPolicy",
    ])
      expect(kinds.has(k)).toBe(true);
  });

  test("the server may touch pods (log, attach) in loom-weavers and nothing else", () => {
    expect(manifests.some((m) => /^Cluster/.test(m.object.kind))).toBe(false);
    const role = one("Role", "loom-weaver-manager");
    expect(role.metadata.namespace).toBe("loom-weavers");
    for (const rule of role.rules) {
      expect(rule.apiGroups).toEqual([""]);
      for (const r of rule.resources) expect(["pods", "pods/log", "pods/attach"]).toContain(r);
      expect(rule.verbs).not.toContain("*");
    }
    const binding = one("RoleBinding", "loom-server-weavers");
    expect(binding.metadata.namespace).toBe("loom-weavers");
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: role.metadata.name,
    });
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "loom-server", namespace: "loom" }]);
    const server = one("Deployment", "loom-server");
    expect(server.spec.template.spec.serviceAccountName).toBe("loom-server");
    for (const ns of ["loom", "loom-weavers"])
      expect(one("Namespace", ns).metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  test("the server pod is locked down too", () => {
    const pod = one("Deployment", "loom-server").spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const c of pod.containers)
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      });
  });

  test("weaver pods may reach only the server and DNS; nothing may reach them", () => {
    const policy = one("NetworkPolicy", "weaver-egress");
    expect(policy.metadata.namespace).toBe("loom-weavers");
    expect(policy.spec.podSelector).toEqual({ matchLabels: { [LABEL_MANAGED]: "true" } });
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.ingress).toEqual([]);
    const [toServer, toDns] = policy.spec.egress;
    expect(policy.spec.egress).toHaveLength(2);
    const server = one("Deployment", "loom-server");
    expect(toServer.to[0].podSelector.matchLabels).toEqual(
      server.spec.template.metadata.labels["app.kubernetes.io/name"] && {
        "app.kubernetes.io/name": server.spec.template.metadata.labels["app.kubernetes.io/name"],
      },
    );
    expect(toServer.to[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe(
      server.metadata.namespace,
    );
    expect(toServer.ports).toEqual([
      { protocol: "TCP", port: server.spec.template.spec.containers[0].ports[0].containerPort },
    ]);
    expect(toDns.ports.map((p: Manifest) => p.port)).toEqual([53, 53]);
    // The optional git egress keeps private ranges and the metadata address closed.
    const git = one("NetworkPolicy", "weaver-git-egress");
    expect(git.spec.egress[0].to[0].ipBlock.except).toEqual(
      expect.arrayContaining(["10.0.0.0/8", "169.254.0.0/16"]),
    );
  });

  test("the server's [weavers.kubernetes] loads and builds a weaver pod that passes the schema", () => {
    const configMap = one("ConfigMap", "loom-config");
    const toml = Bun.TOML.parse(configMap.data["config.toml"]) as {
      weavers: { kubernetes: Record<string, unknown> };
    };
    const home = mkdtempSync(join(tmpdir(), "loom-deploy-"));
    try {
      // Only this section: `[weavers] driver` belongs to the weaver routes' part of the schema.
      const lines = Object.entries(toml.weavers.kubernetes).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
      writeFileSync(join(home, "system.toml"), `[weavers.kubernetes]\n${lines.join("\n")}\n`);
      const { config } = loadConfig({
        workspace: home,
        env: { HOME: home },
        systemPath: join(home, "system.toml"),
      });
      const k8s = config.weavers.kubernetes;
      expect(k8s.in_cluster).toBe(true);
      expect(k8s.namespace).toBe(one("Role", "loom-weaver-manager").metadata.namespace);
      expect(k8s.image).toBe(one("Deployment", "loom-server").spec.template.spec.containers[0].image);
      const pod = buildWeaverPod(
        {
          id: "weaver-0190a0b0-1111-7000-8000-000000000009",
          owner: { userId: "usr_1" },
          repo: "https://x.test/r.git",
          ttlMs: 3600_000,
        },
        podOptions(k8s),
        new Date(),
      );
      expect(schemaProblems(pod)).toEqual([]);
      expect(pod.spec?.containers[0]?.env).toContainEqual({
        name: "LOOM_SERVER_URL",
        value: "http://loom-server.loom.svc",
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test("the runtime image runs the built binary as uid 1000 and carries git", () => {
    const dockerfile = readFileSync(join(deploy, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^COPY --chmod=0755 dist\/loom \/usr\/local\/bin\/loom$/m);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/apt-get install [^\n]*\bgit\b/);
  });
});
