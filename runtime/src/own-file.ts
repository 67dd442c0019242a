/**
 * Reading a file Loom opens on its own account (ignore files, AGENTS.md, `.loom/instructions*.md`,
 * config files, plugin manifests) rather than because a tool call named it. Such a file may come
 * with a repository, so it must not be a way to read outside the workspace, to hang Loom or to make
 * it allocate without bound:
 * - it is opened non-blocking (a FIFO cannot hang the open), and a symlink in its last component is
 *   not followed blindly: with a `root`, the link's target must be inside the root;
 * - it must be a regular file (fstat on the open descriptor: FIFOs, sockets and devices are refused);
 * - with a `root`, the opened file itself (not just the path) must be inside the root, which also
 *   catches a symlinked parent directory;
 * - at most `maxBytes` are read; `truncated` says there was more.
 * @example
 * const f = readOwnFile(join(ws, "AGENTS.md"), { root: ws, maxBytes: 32 * 1024 });
 * if (f) use(f.bytes.toString("utf8"), f.truncated);
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  type Stats,
} from "node:fs";
import { LoomError } from "./errors.ts";
import { isInside } from "./tools/workspace-path.ts";

export interface OwnFileOptions {
  /** The file must be inside this directory (symlinks resolved). Absent: links are followed anywhere. */
  root?: string;
  /** Read at most this many bytes. */
  maxBytes: number;
  /** Refuse a symlink in the last component even when it points inside the root (git's rule for `.gitignore`). */
  noFollow?: boolean;
}

export interface OwnFileHandle {
  fd: number;
  /** fstat of the open descriptor: the file that will be read. */
  stat: Stats;
  /** Reads from the start, at most `maxBytes`; `truncated` when the file holds more. */
  read(): { bytes: Buffer; truncated: boolean };
  close(): void;
}

export interface OwnFile {
  bytes: Buffer;
  truncated: boolean;
  stat: Stats;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;
const MISSING = new Set(["ENOENT", "ENOTDIR"]);

/**
 * Opens `path` under the rules above. Undefined when it does not exist (a dangling link included);
 * throws `LoomError` `INVALID_INPUT` when it exists but may not be read (outside the root, not a
 * regular file, unreadable). The caller closes the handle.
 */
export function openOwnFile(path: string, opts: OwnFileOptions): OwnFileHandle | undefined {
  const root = opts.root;
  let fd: number | undefined;
  try {
    fd = openSync(path, OPEN_FLAGS | (root === undefined && !opts.noFollow ? 0 : constants.O_NOFOLLOW));
  } catch (e) {
    if (MISSING.has(errno(e))) return undefined;
    if (opts.noFollow && isSymlink(path)) throw refused(path, "it is a symlink");
    if (root === undefined) throw refused(path, describe(e));
    // Most likely O_NOFOLLOW met a symlink (ELOOP, or EMLINK on some BSDs): resolve it and look.
  }
  if (fd === undefined) {
    let target: string;
    try {
      target = realpathSync(path);
    } catch (e) {
      if (MISSING.has(errno(e))) return undefined;
      throw refused(path, describe(e));
    }
    if (!isInside(realRoot(root!), target))
      throw refused(path, "it is a symlink to a file outside the workspace");
    try {
      fd = openSync(target, OPEN_FLAGS | constants.O_NOFOLLOW);
    } catch (e) {
      throw refused(path, describe(e));
    }
  }
  const opened = fd;
  try {
    // fstat cannot fail on a descriptor just opened; realpath only in a race on a system without /proc.
    const stat = fstatSync(opened);
    if (!stat.isFile()) throw refused(path, "it is not a regular file");
    if (root !== undefined && !isInside(realRoot(root), openedPath(opened, path)))
      throw refused(path, "it is outside the workspace");
    return {
      fd: opened,
      stat,
      read: () => readCapped(opened, opts.maxBytes),
      close: () => closeSync(opened),
    };
  } catch (e) {
    closeSync(opened);
    throw e;
  }
}

/** Opens, checks and reads `path` (see `openOwnFile`); undefined when it does not exist. */
export function readOwnFile(path: string, opts: OwnFileOptions): OwnFile | undefined {
  const h = openOwnFile(path, opts);
  if (h === undefined) return undefined;
  try {
    const { bytes, truncated } = h.read();
    return { bytes, truncated, stat: h.stat };
  } catch (e) {
    throw refused(path, describe(e));
  } finally {
    h.close();
  }
}

/** Reads at most `max + 1` bytes (one more tells that there was more); fstat's size is not trusted. */
function readCapped(fd: number, max: number): { bytes: Buffer; truncated: boolean } {
  const buf = Buffer.allocUnsafe(max + 1);
  let off = 0;
  let n = 1;
  while (off < buf.length && n > 0) {
    n = readSync(fd, buf, off, buf.length - off, off);
    off += n;
  }
  return { bytes: buf.subarray(0, Math.min(off, max)), truncated: off > max };
}

/** What the descriptor points at (Linux's /proc, race-free), else the path's realpath. */
function openedPath(fd: number, path: string): string {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return realpathSync(path);
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? "";
}

function describe(e: unknown): string {
  return `cannot read it (${errno(e) || (e as Error).message})`;
}

function refused(path: string, reason: string): LoomError {
  return new LoomError("INVALID_INPUT", `${path}: not read: ${reason}`, { path });
}
