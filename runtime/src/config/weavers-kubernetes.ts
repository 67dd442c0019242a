/**
 * `[weavers.kubernetes]`: the Kubernetes weaver driver's settings (specs/weavers-kubernetes.md).
 * Chosen by `[weavers] driver = "kubernetes"`; read by the server only.
 */
import { type Static, Type } from "@sinclair/typebox";

/** A Kubernetes resource quantity: "16Gi", "512Mi", "2", "500m". */
const Quantity = (fallback: string) =>
  Type.String({ pattern: "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$", default: fallback });

export const WeaversKubernetesConfig = Type.Object(
  {
    /** Where weaver pods live; the server's Role grants pods there only (deploy/kubernetes/). */
    namespace: Type.String({
      pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
      maxLength: 63,
      default: "loom-weavers",
    }),
    /** The Loom runtime image (deploy/Dockerfile): carries `loom` and `git`, runs as uid 1000. */
    image: Type.String({ minLength: 1, default: "loom:latest" }),
    image_pull_policy: Type.Union(
      [Type.Literal("Always"), Type.Literal("IfNotPresent"), Type.Literal("Never")],
      {
        default: "IfNotPresent",
      },
    ),
    /** Memory limit of a weaver's container (a weaver's own `resources.memory` overrides it). */
    memory: Quantity("16Gi"),
    /** CPU limit of a weaver's container. */
    cpu: Quantity("4"),
    /** What the scheduler reserves; the limits above cap it. */
    memory_request: Quantity("1Gi"),
    cpu_request: Quantity("500m"),
    /**
     * The URL weaver pods reach the server at (LOOM_SERVER_URL inside them), e.g.
     * "http://loom-server.loom.svc"; absent: the one the server gives each weaver.
     */
    server_url: Type.Optional(Type.String({ pattern: "^https?://" })),
    /** A RuntimeClass for a stronger sandbox (e.g. gVisor's "gvisor"); absent: the cluster's default. */
    runtime_class: Type.Optional(Type.String({ minLength: 1 })),
    /** Use the pod's service account (the server runs in the cluster). Otherwise `kubeconfig`, then the usual lookup. */
    in_cluster: Type.Boolean({ default: false }),
    /** A kubeconfig file; absent: $KUBECONFIG, ~/.kube/config, then in-cluster. */
    kubeconfig: Type.Optional(Type.String({ minLength: 1 })),
    /** A context of that kubeconfig; absent: its current-context. */
    context: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, default: {} },
);
export type WeaversKubernetesConfig = Static<typeof WeaversKubernetesConfig>;
