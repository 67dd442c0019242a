/** Entry of a local weaver's supervisor process: `bun supervisor-main.ts <weaver dir>` (see supervisor.ts). */
import { superviseWeaver } from "./supervisor.ts";

const dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: supervisor-main.ts <weaver dir>\n");
  process.exit(2);
}
process.exit(await superviseWeaver(dir));
