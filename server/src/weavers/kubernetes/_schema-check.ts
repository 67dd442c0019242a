/**
 * Checks a Kubernetes object against Kubernetes' published OpenAPI schema (tests only):
 * 1. the JSON Schema validators kubernetes-models generates from the API's OpenAPI document
 *    (types, enums, required fields, quantity and int-or-string formats);
 * 2. unknown fields, as the API server's `fieldValidation=Strict` does: that schema allows extra
 *    keys, so each key is looked up in @kubernetes/client-node's models (generated from the same
 *    document), which catches a misspelt `readOnlyRootFileSystem`.
 */
import * as k8s from "@kubernetes/client-node";
import { Deployment } from "kubernetes-models/apps/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Pod,
  Service,
  ServiceAccount,
} from "kubernetes-models/v1";

type Validating = new (data: never) => { validate(): void };

const MODELS: Record<string, Validating> = {
  "v1/Pod": Pod,
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "apps/v1/Deployment": Deployment,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};

interface Attribute {
  baseName: string;
  type: string;
}
type Modelled = { getAttributeTypeMap(): Attribute[] };

function model(type: string): Modelled | undefined {
  const found = (k8s as unknown as Record<string, unknown>)[type] as Partial<Modelled> | undefined;
  return typeof found?.getAttributeTypeMap === "function" ? (found as Modelled) : undefined;
}

function unknownFields(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value))
      for (const [i, v] of value.entries()) unknownFields(v, array[1] as string, `${path}[${i}]`, out);
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === "object")
      for (const [k, v] of Object.entries(value)) unknownFields(v, map[1] as string, `${path}.${k}`, out);
    return;
  }
  const m = model(type);
  if (!m || typeof value !== "object" || Array.isArray(value)) return;
  const known = new Map(m.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, v] of Object.entries(value)) {
    const t = known.get(key);
    if (t === undefined) out.push(`${path}.${key}: unknown field`);
    else unknownFields(v, t, `${path}.${key}`, out);
  }
}

/** Every problem with one object (empty when it is valid), each naming its path. */
export function schemaProblems(object: { apiVersion?: string; kind?: string }): string[] {
  const id = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[id];
  if (!Model) return [`${id}: no schema known to this check`];
  const problems: string[] = [];
  try {
    new Model(object as never).validate();
  } catch (e) {
    problems.push(...(e as Error).message.split(", "));
  }
  unknownFields(object, `V1${object.kind}`, "", problems);
  return problems;
}
