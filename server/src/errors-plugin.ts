/**
 * Reads every request body (size limit, nesting limit, JSON) and maps every failure to
 * `{ error: { code, message } }`: validation errors to one line, unknown routes to 404, oversized
 * bodies to 413, bodies that are empty, not JSON or nested too deep to 400 (after authentication),
 * anything unexpected to a 500 without a stack trace.
 */
import { Elysia, ValidationError } from "elysia";
import { readBodyLimited, rememberRawBody } from "./body-limit.ts";
import { DbBusyError } from "./db/writer.ts";
import { HttpError, jsonError } from "./http-error.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./json-depth.ts";
import type { Logger } from "./logger.ts";
import { SearchIndexBehindError } from "./threads/search-indexer.ts";

export function validationMessage(e: ValidationError): string {
  const first = e.all[0];
  if (!first) return `invalid ${e.type}`;
  const path = "path" in first && first.path ? first.path : "";
  // A coerced query value (`?limit=-1`) fails as type "property" without its name: show the value.
  if (e.type === "property") {
    const got = JSON.stringify(e.value)?.slice(0, 60) ?? "";
    return `query parameter ${got}: ${first.message}`.replace(/\s+/g, " ").slice(0, 300);
  }
  const where = path ? `${e.type} ${path}` : e.type;
  return `${where}: ${unionOfLiterals(first) ?? numericUnion(first) ?? described(first) ?? first.message}`
    .replace(/\s+/g, " ")
    .slice(0, 300);
}

/** A pattern says nothing to a person: a schema's `description` names what is expected instead. */
function described(err: unknown): string | undefined {
  const schema = (err as { schema?: { pattern?: string; description?: string } }).schema;
  return schema?.pattern !== undefined && schema.description ? `expected ${schema.description}` : undefined;
}

/** A numeric query value (`?limit=abc`) is a union of a numeric string and a number: name the number. */
function numericUnion(err: unknown): string | undefined {
  const schema = (err as { schema?: { anyOf?: { type?: string }[]; minimum?: number; maximum?: number } })
    .schema;
  const num = schema?.anyOf?.find((s) => s.type === "integer" || s.type === "number");
  if (!schema || !num) return undefined;
  const what = num.type === "integer" ? "an integer" : "a number";
  const { minimum: min, maximum: max } = schema;
  if (min !== undefined && max !== undefined) return `expected ${what} from ${min} to ${max}`;
  if (min !== undefined) return `expected ${what} >= ${min}`;
  if (max !== undefined) return `expected ${what} <= ${max}`;
  return `expected ${what}`;
}

/** "Expected union value" says nothing; a union of literals (visibility, role) can name them. */
function unionOfLiterals(err: unknown): string | undefined {
  const anyOf = (err as { schema?: { anyOf?: { const?: unknown }[] } }).schema?.anyOf;
  if (!anyOf?.length || !anyOf.every((s) => typeof s.const === "string")) return undefined;
  return `expected one of ${anyOf.map((s) => s.const).join(", ")}`;
}

const notJson = () => new HttpError(400, "INVALID_INPUT", "request body is not valid JSON");
const tooDeep = () =>
  new HttpError(
    400,
    "INVALID_INPUT",
    `request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
  );
const emptyBody = () => new HttpError(400, "INVALID_INPUT", "request body is empty: send a JSON object");

/**
 * Why a body could not be taken, kept until after authentication (the parse hook runs before the
 * auth macro's transform): a caller without credentials learns only that (401), whatever it sent.
 * `empty` is only a problem for routes whose schema wants a body.
 */
type BodyProblem = "not-json" | "too-deep" | "empty";

const problemError = (p: BodyProblem) =>
  p === "too-deep" ? tooDeep() : p === "empty" ? emptyBody() : notJson();

export function errorsPlugin(opts: {
  maxBodyBytes: number;
  log: Logger;
  /** Asked first for a GET/HEAD no route matched (the web UI's files and SPA fallback). */
  notFound?: (request: Request) => Response | undefined;
}) {
  const problems = new WeakMap<Request, BodyProblem>();
  return (
    new Elysia({ name: "loom.errors" })
      .onRequest(({ request }) => {
        const len = Number(request.headers.get("content-length") ?? 0);
        if (len > opts.maxBodyBytes) {
          return jsonError(413, "PAYLOAD_TOO_LARGE", `request body exceeds ${opts.maxBodyBytes} bytes`);
        }
      })
      // Every body is read here, under the size limit (a Request built in-process has no content-length;
      // a chunked one has none either), whatever its content-type: every route takes JSON, and a body
      // labelled text/plain or form-urlencoded (`curl -d`) must not slip past the limit.
      // It always answers (null for no body): a route's own `parse: "json"` would otherwise run after
      // it, before authentication, and turn a missing body into a 400 for a caller without credentials.
      .onParse({ as: "global" }, async ({ request }) => {
        if (!request.body) {
          problems.set(request, "empty");
          return null;
        }
        // A UTF-8 byte-order mark (PowerShell, some Windows editors) is not JSON; drop it.
        const text = (await readBodyLimited(request, opts.maxBodyBytes)).replace(/^\uFEFF/, "");
        rememberRawBody(request, text);
        if (text.trim() === "") {
          problems.set(request, "empty");
          return null;
        }
        // Checked before parsing: what walks a parsed value (validation, SDK serialisers) recurses.
        if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
          problems.set(request, "too-deep");
          return {};
        }
        try {
          return JSON.parse(text) as unknown;
        } catch {
          problems.set(request, "not-json");
          return {};
        }
      })
      // After auth and validation: a route whose schema would take `{}` still refuses a broken body.
      .onBeforeHandle({ as: "global" }, ({ request }) => {
        const p = problems.get(request);
        if (p !== undefined && p !== "empty") throw problemError(p);
      })
      .onError({ as: "global" }, ({ code, error, request, set }) => {
        // The stand-in (`{}`, or null for no body) failed the schema: the real problem is the body.
        const p = problems.get(request);
        const page =
          code === "NOT_FOUND" && (request.method === "GET" || request.method === "HEAD")
            ? opts.notFound?.(request)
            : undefined;
        if (page) {
          set.status = page.status;
          return page;
        }
        const res =
          p !== undefined && error instanceof ValidationError && error.type === "body"
            ? problemError(p).toResponse()
            : toErrorResponse(code, error, request, opts.log);
        set.status = res.status; // seen by the metrics hook, which cannot see the returned Response
        return res;
      })
  );
}

function toErrorResponse(code: unknown, error: unknown, request: Request, log: Logger): Response {
  if (error instanceof HttpError) return error.toResponse();
  // Elysia wraps what a parse hook throws (our 413 and 400) in a ParseError.
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof HttpError) return cause.toResponse();
  if (error instanceof ValidationError) return jsonError(400, "INVALID_INPUT", validationMessage(error));
  // Another process held the write lock for the whole busy timeout: nothing was written, try again.
  if (error instanceof DbBusyError)
    return new HttpError(503, "DATABASE_BUSY", error.message, undefined, {
      "retry-after": String(error.retryAfterSeconds),
    }).toResponse();
  if (error instanceof SearchIndexBehindError)
    return new HttpError(503, "SEARCH_INDEX_BEHIND", error.message, undefined, {
      "retry-after": String(error.retryAfterSeconds),
    }).toResponse();
  switch (code) {
    case "NOT_FOUND":
      return jsonError(404, "NOT_FOUND", `no route for ${request.method} ${new URL(request.url).pathname}`);
    case "PARSE":
      return jsonError(400, "INVALID_INPUT", "request body is not valid JSON");
    default: {
      const status = (error as { status?: unknown }).status;
      if (typeof status === "number" && status === 413) {
        return jsonError(413, "PAYLOAD_TOO_LARGE", "request body too large");
      }
      const msg = error instanceof Error ? error.message : String(error);
      log.error("request.failed", {
        method: request.method,
        path: new URL(request.url).pathname,
        message: msg,
      });
      return jsonError(500, "INTERNAL", "internal error");
    }
  }
}
