/**
 * The server database holds private threads and usage: its folder is created 0700 and the database
 * file 0600 before SQLite opens it. SQLite gives the `-wal` and `-shm` files the main file's mode, so
 * they follow; files left 0644 by an older release (or a crash) are narrowed on open.
 */
import { chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";

export const DB_DIR_MODE = 0o700;
export const DB_FILE_MODE = 0o600;

export function preparePrivateDbFile(path: string): void {
  const dir = dirname(path);
  // Only folders this call creates get 0700: an existing one may be shared on purpose (`/srv`).
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: DB_DIR_MODE });
  // O_CREAT with 0600 (umask can only narrow it); an existing file is left as it is here.
  closeSync(openSync(path, constants.O_RDWR | constants.O_CREAT, DB_FILE_MODE));
  for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) narrow(f);
}

function narrow(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    return; // absent
  }
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(file, mode & 0o700);
  } catch {
    // Not ours to change (another user's file we may write through a group): SQLite opens it as it is.
  }
}
