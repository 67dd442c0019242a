import { definePlugin } from "@loom/runtime/define-tool";
import { createOracleTool } from "./oracle.ts";

/** The oracle asks `ctx.llm` / `ctx.oracleModel`, which the driver sets when an oracle model is configured. */
export default definePlugin({ name: "oracle", version: "0.1.0", tools: [createOracleTool()] });
