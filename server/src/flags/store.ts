/**
 * Flags, kill switches and flag SDK keys of each org, written once over a `SqlRunner` so SQLite and
 * Postgres share it. A flag's variants, prerequisites and per-environment rules are one JSON column
 * (`definition`); `version` grows by one per write.
 */
import type { FlagDefinition, KillSwitch } from "@loom/flags/types";
import type { SqlRunner } from "../db/sql-runner.ts";

export interface FlagRecord extends FlagDefinition {
  id: string;
  orgId: string;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export interface KillSwitchRecord extends KillSwitch {
  id: string;
  orgId: string;
  createdAt: string;
  updatedAt: string;
}

type FlagRow = Omit<FlagRecord, keyof FlagDefinition | "version"> & {
  key: string;
  kind: string;
  description: string;
  definition: string;
  version: number | string;
};
type SwitchRow = Omit<KillSwitchRecord, "flags" | "active"> & { flags: string; active: number | string };

const FLAG_COLS = `id, org_id AS "orgId", key, kind, description, definition, version, created_by AS "createdBy",
  created_at AS "createdAt", updated_at AS "updatedAt", archived_at AS "archivedAt"`;
const SWITCH_COLS = `id, org_id AS "orgId", key, description, flags, active, reason, activated_at AS "activatedAt",
  activated_by AS "activatedBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The stored JSON: everything of a definition but its key, kind and description (columns). */
type Stored = Pick<FlagDefinition, "variants" | "offVariant" | "prerequisites" | "environments">;

function toFlag(r: FlagRow): FlagRecord {
  const d = JSON.parse(r.definition) as Stored;
  return {
    id: r.id,
    orgId: r.orgId,
    key: r.key,
    kind: r.kind as FlagDefinition["kind"],
    description: r.description,
    variants: d.variants,
    offVariant: d.offVariant,
    prerequisites: d.prerequisites,
    environments: d.environments,
    version: Number(r.version),
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    archivedAt: r.archivedAt,
  };
}

const toSwitch = (r: SwitchRow): KillSwitchRecord => ({
  ...r,
  flags: JSON.parse(r.flags) as string[],
  active: Number(r.active) === 1,
});

const stored = (d: FlagDefinition): string =>
  JSON.stringify({
    variants: d.variants,
    offVariant: d.offVariant,
    prerequisites: d.prerequisites,
    environments: d.environments,
  } satisfies Stored);

export function createFlagStore(db: SqlRunner, clock: () => Date) {
  const getFlag = async (orgId: string, key: string) => {
    const r = await db.get<FlagRow>(`SELECT ${FLAG_COLS} FROM flags WHERE org_id = ? AND key = ?`, [
      orgId,
      key,
    ]);
    return r ? toFlag(r) : undefined;
  };
  const getSwitch = async (orgId: string, key: string) => {
    const r = await db.get<SwitchRow>(
      `SELECT ${SWITCH_COLS} FROM kill_switches WHERE org_id = ? AND key = ?`,
      [orgId, key],
    );
    return r ? toSwitch(r) : undefined;
  };
  return {
    getFlag,
    /** Live flags (and archived ones when asked), by key. */
    async listFlags(orgId: string, o: { archived?: boolean } = {}): Promise<FlagRecord[]> {
      const rows = await db.all<FlagRow>(
        `SELECT ${FLAG_COLS} FROM flags WHERE org_id = ? ${o.archived ? "" : "AND archived_at IS NULL"} ORDER BY key`,
        [orgId],
      );
      return rows.map(toFlag);
    },
    /** Undefined when the org already has a flag of that key (archived ones included). */
    async createFlag(orgId: string, def: FlagDefinition, by: string): Promise<FlagRecord | undefined> {
      const now = clock().toISOString();
      const id = `flg_${Bun.randomUUIDv7()}`;
      const n = await db.run(
        `INSERT INTO flags (id, org_id, key, kind, description, definition, version, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [id, orgId, def.key, def.kind, def.description, stored(def), by, now, now],
      );
      return n ? getFlag(orgId, def.key) : undefined;
    },
    /**
     * Replaces the definition (the key stays): "missing" when absent, "conflict" when `ifVersion`
     * is given and differs from the stored version (checked in the UPDATE itself).
     */
    async updateFlag(
      orgId: string,
      def: FlagDefinition,
      ifVersion?: number,
    ): Promise<FlagRecord | "missing" | "conflict"> {
      const now = clock().toISOString();
      const n = await db.run(
        `UPDATE flags SET kind = ?, description = ?, definition = ?, version = version + 1, updated_at = ?
          WHERE org_id = ? AND key = ? ${ifVersion === undefined ? "" : "AND version = ?"}`,
        [
          def.kind,
          def.description,
          stored(def),
          now,
          orgId,
          def.key,
          ...(ifVersion === undefined ? [] : [ifVersion]),
        ],
      );
      const after = await getFlag(orgId, def.key);
      if (!after) return "missing";
      return n ? after : "conflict";
    },
    /** Archives or restores; undefined when absent or already so. */
    async setArchived(orgId: string, key: string, archived: boolean): Promise<FlagRecord | undefined> {
      const now = clock().toISOString();
      const n = await db.run(
        archived
          ? "UPDATE flags SET archived_at = ?, version = version + 1, updated_at = ? WHERE org_id = ? AND key = ? AND archived_at IS NULL"
          : "UPDATE flags SET archived_at = NULL, version = version + 1, updated_at = ? WHERE org_id = ? AND key = ? AND archived_at IS NOT NULL",
        archived ? [now, now, orgId, key] : [now, orgId, key],
      );
      return n ? getFlag(orgId, key) : undefined;
    },
    getSwitch,
    async listSwitches(orgId: string): Promise<KillSwitchRecord[]> {
      return (
        await db.all<SwitchRow>(`SELECT ${SWITCH_COLS} FROM kill_switches WHERE org_id = ? ORDER BY key`, [
          orgId,
        ])
      ).map(toSwitch);
    },
    /** Creates the switch or changes its description and flags (its state stays). */
    async putSwitch(orgId: string, key: string, o: { description: string; flags: string[] }) {
      const now = clock().toISOString();
      const flags = JSON.stringify([...new Set(o.flags)].sort());
      await db.run(
        `INSERT INTO kill_switches (id, org_id, key, description, flags, active, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 0, ?, ?)
         ON CONFLICT (org_id, key) DO UPDATE SET description = excluded.description, flags = excluded.flags,
           updated_at = excluded.updated_at`,
        [`ksw_${Bun.randomUUIDv7()}`, orgId, key, o.description, flags, now, now],
      );
      return (await getSwitch(orgId, key)) as KillSwitchRecord;
    },
    /** Turns a switch on (with the reason and who) or off; undefined when absent or already so. */
    async setSwitchActive(
      orgId: string,
      key: string,
      active: boolean,
      o: { reason: string | null; by: string },
    ): Promise<KillSwitchRecord | undefined> {
      const now = clock().toISOString();
      const n = await db.run(
        `UPDATE kill_switches SET active = ?, reason = ?, activated_at = ?, activated_by = ?, updated_at = ?
          WHERE org_id = ? AND key = ? AND active = ?`,
        [
          active ? 1 : 0,
          o.reason,
          active ? now : null,
          active ? o.by : null,
          now,
          orgId,
          key,
          active ? 0 : 1,
        ],
      );
      return n ? getSwitch(orgId, key) : undefined;
    },
  };
}

export type FlagStore = ReturnType<typeof createFlagStore>;
