/** The workspace directory a session or command works in, checked once with one clear error. */
import { realpathSync, statSync } from "node:fs";
import { LoomError } from "@loom/runtime/errors";

/** The workspace's real path; INVALID_INPUT when it is missing or not a directory (`hint`: why this one). */
export function realWorkspace(dir: string, hint: () => string = () => ""): string {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    throw new LoomError("INVALID_INPUT", `workspace ${dir} does not exist${hint()}`);
  }
  if (!statSync(real).isDirectory())
    throw new LoomError("INVALID_INPUT", `workspace ${dir} is not a directory${hint()}`);
  return real;
}
