/** What the flag routes need from a backend: the stores (one code over both databases) and the bus. */
import type { SqlRunner } from "../db/sql-runner.ts";
import type { FlagBus } from "./events.ts";
import { createSdkKeyStore } from "./sdk-keys.ts";
import { createFlagStore } from "./store.ts";

export function createFlagsBackend(db: SqlRunner, clock: () => Date, bus: FlagBus) {
  return { store: createFlagStore(db, clock), sdkKeys: createSdkKeyStore(db, clock), bus };
}

export type FlagsBackend = ReturnType<typeof createFlagsBackend>;
