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

function load(kc: KubeConfig, config: Source, env: Env): void {
  if (config.in_cluster) {
    if (!inCluster(env))
      throw new LoomError(
        "CONFIG_INVALID",
        "weavers.kubernetes.in_cluster: not running in a Kubernetes pod (no KUBERNETES_SERVICE_HOST or service account token)",
      );
    return kc.loadFromCluster();
  }
  if (config.kubeconfig !== undefined) {
    if (!existsSync(config.kubeconfig))
      throw new LoomError("CONFIG_INVALID", `weavers.kubernetes.kubeconfig: no file at ${config.kubeconfig}`);
    return kc.loadFromFile(config.kubeconfig);
  }
  const home = env.HOME ? join(env.HOME, ".kube", "config") : undefined;
  if (env.KUBECONFIG) return kc.loadFromDefault();
  if (home && existsSync(home)) return kc.loadFromFile(home);
  if (inCluster(env)) return kc.loadFromCluster();
  throw new LoomError(
    "CONFIG_INVALID",
    "weavers.kubernetes: no cluster configured (set in_cluster = true in a pod, or kubeconfig = a file; $KUBECONFIG and ~/.kube/config are empty)",
  );
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
