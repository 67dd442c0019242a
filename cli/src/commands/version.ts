import { VERSION } from "@loom/runtime/version";
import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "version", description: "Print the version" },
  run() {
    process.stdout.write(`loom ${VERSION}\n`);
  },
});
