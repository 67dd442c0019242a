/// <reference path="./murmurhash3js-revisited.d.ts" />
/**
 * Percentage rollout buckets: `murmur3_32("<flag>.<targetingKey>") % 100` (x86 32-bit MurmurHash3,
 * seed 0, over the UTF-8 bytes), so a user keeps their bucket for a flag on every server, SDK and
 * replica, and a rollout from p % to q % > p % only adds users.
 */
import { x86 } from "murmurhash3js-revisited";

const utf8 = new TextEncoder();

export function murmur3_32(text: string, seed = 0): number {
  return x86.hash32(utf8.encode(text), seed) >>> 0;
}

/** 0–99 for this user and flag. */
export function bucketOf(flagKey: string, targetingKey: string): number {
  return murmur3_32(`${flagKey}.${targetingKey}`) % 100;
}
