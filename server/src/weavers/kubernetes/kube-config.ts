/**
 * Where the driver finds its cluster: the pod's service account (`in_cluster`), a kubeconfig file,
 * or the usual lookup ($KUBECONFIG, ~/.kube/config, in-cluster). Never the client's silent
 * fallback to http://localhost:8080: no cluster found is one CONFIG_INVALID line.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import type { WeaversKubernetesConfig } from "@loom/runtime/config/weavers-kubernetes";
import { LoomError } from "@loom/runtime/errors";

type Source = Pick<WeaversKubernetesConfig, "in_cluster" | "kubeconfig" | "context">;
type Env = Record<string, string | undefined>;

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

function inCluster(env: Env): boolean {
  return !!env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN);
}

/** Which source to load, decided before anything is read. */
function source(
  config: Source,
  env: Env,
): { kind: "cluster" } | { kind: "file"; path: string } | { kind: "env" } {
  if (config.in_cluster) {
    if (!inCluster(env))
      throw new LoomError(
        "CONFIG_INVALID",
        "weavers.kubernetes.in_cluster: not running in a Kubernetes pod (no KUBERNETES_SERVICE_HOST or service account token)",
      );
    return { kind: "cluster" };
  }
  if (config.kubeconfig !== undefined) {
    if (!existsSync(config.kubeconfig))
      throw new LoomError("CONFIG_INVALID", `weavers.kubernetes.kubeconfig: no file at ${config.kubeconfig}`);
    return { kind: "file", path: config.kubeconfig };
  }
  if (env.KUBECONFIG) return { kind: "env" };
  const home = env.HOME ? join(env.HOME, ".kube", "config") : undefined;
  if (home && existsSync(home)) return { kind: "file", path: home };
  if (inCluster(env)) return { kind: "cluster" };
  throw new LoomError(
    "CONFIG_INVALID",
    "weavers.kubernetes: no cluster configured (set in_cluster = true in a pod, or kubeconfig = a file; $KUBECONFIG and ~/.kube/config are empty)",
  );
}

function load(kc: KubeConfig, config: Source, env: Env): void {
  const from = source(config, env);
  if (from.kind === "cluster") kc.loadFromCluster();
  else if (from.kind === "file") kc.loadFromFile(from.path);
  else kc.loadFromDefault();
}

export function loadKubeConfig(config: Source, env: Env = process.env): KubeConfig {
  const kc = new KubeConfig();
  try {
    load(kc, config, env);
    if (config.context !== undefined) {
      if (!kc.getContextObject(config.context))
        throw new LoomError(
          "CONFIG_INVALID",
          `weavers.kubernetes.context: no context '${config.context}' in the kubeconfig`,
        );
      kc.setCurrentContext(config.context);
    }
  } catch (e) {
    if (e instanceof LoomError) throw e;
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new LoomError(
      "CONFIG_INVALID",
      `weavers.kubernetes: cannot load the cluster's configuration: ${why}`,
    );
  }
  if (!kc.getCurrentCluster())
    throw new LoomError(
      "CONFIG_INVALID",
      "weavers.kubernetes: the kubeconfig has no current context with a cluster",
    );
  return kc;
}
