/**
 * The thread: one conversation. One schema, used by the local store, the sync client and the server.
 */
import { type Static, Type } from "@sinclair/typebox";

export const Visibility = Type.Union([
  Type.Literal("private"),
  Type.Literal("team"),
  Type.Literal("organization"),
  Type.Literal("public"),
]);
export type Visibility = Static<typeof Visibility>;

const ToolCallSchema = Type.Object({ id: Type.String(), name: Type.String(), input: Type.Unknown() });

/** Tokens and cost: a thread's totals, or one turn's (on its last assistant message). */
export const UsageSchema = Type.Object({
  inputTokens: Type.Integer(),
  outputTokens: Type.Integer(),
  costUsd: Type.Optional(Type.Number()),
  /** Some usage was on a model with no known price: `costUsd` covers only the priced part. */
  costPartial: Type.Optional(Type.Boolean()),
  /** Some tokens were estimated by Loom (a reply cut off before the provider reported its usage). */
  estimated: Type.Optional(Type.Boolean()),
});

export const MessageSchema = Type.Union([
  Type.Object({
    role: Type.Literal("user"),
    content: Type.String(),
    images: Type.Optional(Type.Array(Type.Object({ mimeType: Type.String(), data: Type.String() }))),
  }),
  Type.Object({
    role: Type.Literal("assistant"),
    content: Type.String(),
    toolCalls: Type.Optional(Type.Array(ToolCallSchema)),
    /** The reply was cut off (cancel, shutdown, failed stream); `content` is the part the user saw. */
    interrupted: Type.Optional(Type.Boolean()),
    /** On the last assistant message of a turn: the tokens and cost of that whole turn. */
    usage: Type.Optional(UsageSchema),
  }),
  Type.Object({
    role: Type.Literal("tool"),
    toolCallId: Type.String(),
    name: Type.String(),
    content: Type.String(),
    isError: Type.Optional(Type.Boolean()),
    images: Type.Optional(Type.Array(Type.Object({ mimeType: Type.String(), data: Type.String() }))),
  }),
]);

export const GitContext = Type.Object({
  branch: Type.Optional(Type.String()),
  commit: Type.Optional(Type.String()),
  remote: Type.Optional(Type.String()),
  commits: Type.Optional(Type.Array(Type.String())),
});
export type GitContext = Static<typeof GitContext>;

export const ThreadSchema = Type.Object({
  /** `T-<uuid7>` */
  id: Type.String({ pattern: "^T-[0-9a-f-]{36}$" }),
  version: Type.Integer({ minimum: 0 }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  workspace: Type.String(),
  git: Type.Optional(GitContext),
  title: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String())),
  visibility: Visibility,
  /** Never leaves the machine. */
  isPrivate: Type.Boolean(),
  provider: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  messages: Type.Array(MessageSchema),
  /** Snapshot of the agent state (the machine's state name and counters), for resume. */
  agentState: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  /** The thread's totals over every turn. */
  usage: Type.Optional(UsageSchema),
  deletedAt: Type.Optional(Type.String()),
});
export type Thread = Static<typeof ThreadSchema>;

/** A time-ordered id: `T-` + UUIDv7. */
export function newThreadId(): string {
  return `T-${Bun.randomUUIDv7()}`;
}
