/**
 * stdout and stderr without Node's stream machinery. The first touch of `process.stdout` loads
 * Node's stream code (10-15 ms in `dist/loom`); `loom run` writes its output through these instead:
 * `fs.writeSync` on fd 1 and 2, so each line is out when the call returns.
 *
 * The output rules are those of `guardStdStreams` (specs/cli.md): a reader that went away (EPIPE,
 * `loom run … | head -1`) ends the process quietly with its exit code so far; any other failure to
 * write stdout (a full disk) is one line on stderr and exit 1.
 */
import { writeSync } from "node:fs";

export interface FdOut {
  write(s: string): void;
  readonly isTTY: boolean;
}

let libcIsatty: ((fd: number) => boolean) | undefined;

/**
 * Whether `fd` is a terminal. libc's `isatty` through bun:ffi (under 1 ms): `node:tty` would load
 * the stream code this module avoids. Where libc cannot be opened, `node:tty` it is.
 */
export function isTty(fd: number): boolean {
  if (!libcIsatty) {
    try {
      const { dlopen } = require("bun:ffi") as typeof import("bun:ffi");
      const lib = process.platform === "darwin" ? "libSystem.B.dylib" : "libc.so.6";
      const { symbols } = dlopen(lib, { isatty: { args: ["i32"], returns: "i32" } });
      libcIsatty = (n) => symbols.isatty(n) === 1;
    } catch {
      const tty = require("node:tty") as typeof import("node:tty");
      libcIsatty = (n) => tty.isatty(n);
    }
  }
  return libcIsatty(fd);
}

const exitCodeSoFar = (): number => (typeof process.exitCode === "number" ? process.exitCode : 0);

/** Exits as the output rules say when writing `fd` failed with `e`. */
export function outputFailed(fd: 1 | 2, e: unknown): never {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "EPIPE") process.exit(exitCodeSoFar());
  if (fd === 1) {
    try {
      writeSync(2, `loom: cannot write the output: ${err.message}\n`);
    } catch {
      // stderr is gone too: the exit code is all that is left.
    }
  }
  process.exit(1);
}

/** A blocking writer on `fd` (1 or 2); a pipe that would block is waited for, 1 ms at a time. */
export function fdOut(fd: 1 | 2): FdOut {
  let tty: boolean | undefined;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  return {
    get isTTY() {
      tty ??= isTty(fd);
      return tty;
    },
    write(s: string) {
      if (s.length === 0) return;
      const bytes = Buffer.from(s, "utf8");
      let off = 0;
      while (off < bytes.length) {
        try {
          off += writeSync(fd, bytes, off, bytes.length - off);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
            Atomics.wait(pause, 0, 0, 1);
            continue;
          }
          outputFailed(fd, e);
        }
      }
    },
  };
}

/** `process.stdout`, following the output rules. */
export function stdoutStream(): NodeJS.WriteStream {
  guardStdStreams();
  return process.stdout;
}

/** `process.stderr`, following the output rules. */
export function stderrStream(): NodeJS.WriteStream {
  guardStdStreams();
  return process.stderr;
}

/**
 * Makes `process.stdout` and `process.stderr` follow the output rules. Every command but `run` has
 * it done at start-up (cli/src/main.ts); `run` touches the streams only on paths that call this first.
 */
let guarded = false;
export function guardStdStreams(): void {
  if (guarded) return;
  guarded = true;
  for (const [fd, stream] of [
    [1, process.stdout],
    [2, process.stderr],
  ] as const) {
    stream.on("error", (e: NodeJS.ErrnoException) => outputFailed(fd, e));
  }
}
