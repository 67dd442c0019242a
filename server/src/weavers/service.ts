/**
 * Everything the server keeps for weavers, built once: the driver, the weaver tokens and their
 * resolver, the webhooks and the sweeper. `loom serve` builds it from `[weavers]` and starts the
 * sweeper; `createApp({ weavers })` mounts the routes and accepts the tokens.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "../logger.ts";
import type { WeaverDriver } from "./driver.ts";
import { DEFAULT_WEAVER_SETTINGS, type WeaverSettings } from "./settings.ts";
import { createSweeper, type RoundLock } from "./sweeper.ts";
import { createWeaverTokens, weaverTokenResolver } from "./weaver-token.ts";
import { createWebhooks } from "./webhooks.ts";

export interface WeaverServiceOptions {
  driver: WeaverDriver;
  settings?: Partial<WeaverSettings>;
  /** Signs weaver tokens (32+ bytes; replicas share it). */
  tokenKey: Uint8Array;
  webhooks?: { urls: string[]; secret?: string };
  serverUrl: () => string;
  lock?: RoundLock;
  log: Logger;
  clock?: () => Date;
  fetch?: typeof fetch;
}

export type WeaverService = ReturnType<typeof createWeaverService>;

export function createWeaverService(o: WeaverServiceOptions) {
  const clock = o.clock ?? (() => new Date());
  const settings = { ...DEFAULT_WEAVER_SETTINGS, ...o.settings };
  const tokens = createWeaverTokens(o.tokenKey);
  const webhooks = createWebhooks({
    urls: o.webhooks?.urls ?? [],
    secret: o.webhooks?.secret,
    fetch: o.fetch,
    log: o.log,
    clock,
  });
  const sweeper = createSweeper({ driver: o.driver, webhooks, log: o.log, clock, lock: o.lock });
  return {
    driver: o.driver,
    settings,
    tokens,
    webhooks,
    sweeper,
    serverUrl: o.serverUrl,
    clock,
    log: o.log,
    resolver: weaverTokenResolver({
      tokens,
      clock,
      exists: async (id) => (await o.driver.get(id)) !== undefined,
    }),
    async stop() {
      await sweeper.stop();
      await o.driver.close();
    },
  };
}

/** `[weavers] token_secret`, else a random key kept in a 0600 file (created on first use). */
export function weaverTokenKey(secret: string | undefined, file: string): Uint8Array {
  if (secret) return new TextEncoder().encode(secret);
  try {
    const key = readFileSync(file);
    if (key.length >= 32) return new Uint8Array(key);
  } catch {}
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = crypto.getRandomValues(new Uint8Array(32));
  writeFileSync(file, key, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
