/** Messages between the parent (wasm-host.ts) and a plugin's child process (host-worker.ts). */
import type { LoomErrorCode } from "../errors.ts";
import type { EffectivePermissions } from "./permissions.ts";

export interface LoadRequest {
  type: "load";
  plugin: string;
  /** Already verified (sha256) and memory-capped. */
  wasm: Uint8Array;
  root: string;
  permissions: EffectivePermissions;
  memoryMb: number;
  maxOutputBytes: number;
}

export interface CallRequest {
  type: "call";
  id: number;
  export: string;
  input: string;
}

export type ParentMessage = LoadRequest | CallRequest;

export interface WireError {
  code: LoomErrorCode;
  message: string;
}

export type ChildMessage =
  | { type: "loaded" }
  | { type: "load_failed"; error: WireError }
  | { type: "result"; id: number; output: string }
  | { type: "failed"; id: number; error: WireError }
  | { type: "log"; message: string };
