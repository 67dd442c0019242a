/** `loom attach <weaver id>`: the weaver's terminal here, raw; Ctrl+P Ctrl+Q detaches (the weaver keeps running). */
import { defineCommand } from "citty";
import { ExitError } from "../cli.ts";
import { serverApi } from "../server-api.ts";
import { attachTerminal } from "../weaver-terminal.ts";

export default defineCommand({
  meta: { name: "attach", description: "Attach to a weaver's terminal (detach with Ctrl+P Ctrl+Q)" },
  args: {
    id: { type: "positional", description: "Weaver id (weaver-…)", required: true },
    "server-url": { type: "string", description: "Team server URL (default: config server.url)" },
  },
  async run({ args }) {
    const api = await serverApi(args["server-url"]);
    // A clear line for an unknown, finished or headless weaver before the WebSocket (which reports no reasons).
    const w = await api.call<{ id: string; status: string; task?: string }>(
      "GET",
      `/api/weaver/${encodeURIComponent(args.id)}`,
    );
    if (w.task) {
      process.stderr.write(
        `loom: ${w.id} runs a task headless: read it with \`loom weaver logs -f ${w.id}\`\n`,
      );
      throw new ExitError(1);
    }
    if (w.status !== "running") {
      process.stderr.write(`loom: ${w.id} is ${w.status}, not running\n`);
      throw new ExitError(1);
    }
    const how = await attachTerminal({ base: api.base, authorization: api.authorization, id: w.id });
    process.stderr.write(
      how === "detached" ? `\r\ndetached from ${w.id}\r\n` : `\r\n${w.id}: terminal closed\r\n`,
    );
  },
});
