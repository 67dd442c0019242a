/**
 * A typed client over the server's generated OpenAPI types: the path, its parameters and the 200
 * body all come from `paths`, so a renamed route or a changed field fails `bun run typecheck`.
 * Requests carry the session cookie (same-origin) or, when this tab holds one, a bearer token; a 401
 * calls the handler set by `onUnauthorized` (the router sends the person to sign in).
 */
import type { paths } from "./generated/openapi";
import { getToken } from "./session.ts";

type GetPaths = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];
type GetOp<P extends GetPaths> = paths[P]["get"];
type Params<O> = O extends { parameters: infer X } ? X : never;
type QueryOf<O> = Params<O> extends { query?: infer Q } ? Q : never;
type PathOf<O> = Params<O> extends { path: infer R } ? R : never;
type Ok<O> = O extends { responses: { 200: { content: { "application/json": infer T } } } } ? T : never;

export type GetOptions<P extends GetPaths> = ([PathOf<GetOp<P>>] extends [never]
  ? { path?: undefined }
  : { path: PathOf<GetOp<P>> }) &
  ([QueryOf<GetOp<P>>] extends [never] | [undefined] ? { query?: undefined } : { query?: QueryOf<GetOp<P>> });

export type GetResult<P extends GetPaths> = Ok<GetOp<P>>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `/api/threads/{id}` + `{ id: "T-…" }` → `/api/threads/T-…`. */
export function fillPath(template: string, params: Record<string, string> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params?.[k];
    if (v === undefined) throw new Error(`missing path parameter ${k}`);
    return encodeURIComponent(v);
  });
}

export function queryString(q: Record<string, unknown> | undefined): string {
  if (!q) return "";
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") s.set(k, String(v));
  const out = s.toString();
  return out ? `?${out}` : "";
}

export interface RequestInit_ {
  /** Override this tab's bearer token (null: none, the cookie only). */
  token?: string | null;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** A 401 is the caller's answer, not a signed-out session (`/api/auth/me` at start-up). */
  quiet401?: boolean;
}

let unauthorized: (() => void) | undefined;

/** Called on every 401 not marked `quiet401`: the session ended (revoked, expired, signed out elsewhere). */
export function onUnauthorized(handler: (() => void) | undefined): void {
  unauthorized = handler;
}

/** One request with this tab's credentials; a non-2xx answer throws `ApiError` (a 401 also calls `onUnauthorized`). */
export async function request(
  url: string,
  init: RequestInit_,
  method = "GET",
  body?: unknown,
): Promise<Response> {
  const token = init.token === undefined ? getToken() : init.token;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await (init.fetch ?? fetch)(url, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: init.signal,
  });
  if (res.ok) return res;
  const err = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (res.status === 401 && !init.quiet401) unauthorized?.();
  throw new ApiError(
    res.status,
    err?.error?.code ?? "HTTP_ERROR",
    err?.error?.message ?? `${res.status} ${res.statusText}`,
  );
}

export async function apiGet<P extends GetPaths>(
  path: P,
  opts: GetOptions<P> = {} as GetOptions<P>,
  init: RequestInit_ = {},
): Promise<GetResult<P>> {
  const o = opts as { path?: Record<string, string>; query?: Record<string, unknown> };
  const res = await request(fillPath(path, o.path) + queryString(o.query), init);
  return (await res.json()) as GetResult<P>;
}

type SendMethod = "post" | "put" | "delete";
type SendPaths<M extends SendMethod> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];
type SendOp<M extends SendMethod, P extends SendPaths<M>> = paths[P][M];
/** The JSON body a route declares; `unknown` when it takes one the document does not describe. */
type BodyOf<O> = O extends { requestBody?: infer R }
  ? [NonNullable<R>] extends [never]
    ? never
    : NonNullable<R> extends { content: { "application/json": infer B } }
      ? B
      : unknown
  : never;
type Created<O> = O extends { responses: { 201: { content: { "application/json": infer T } } } }
  ? T
  : O extends { responses: { 200: { content: { "application/json": infer T } } } }
    ? T
    : O extends { responses: { 202: { content: { "application/json": infer T } } } }
      ? T
      : undefined;

export type SendOptions<M extends SendMethod, P extends SendPaths<M>> = ([PathOf<SendOp<M, P>>] extends [
  never,
]
  ? { path?: undefined }
  : { path: PathOf<SendOp<M, P>> }) &
  ([BodyOf<SendOp<M, P>>] extends [never]
    ? { body?: undefined }
    : unknown extends BodyOf<SendOp<M, P>>
      ? { body?: unknown }
      : { body: BodyOf<SendOp<M, P>> });

export type SendResult<M extends SendMethod, P extends SendPaths<M>> = Created<SendOp<M, P>>;

/** POST/PUT/DELETE with a typed JSON body; the answer's body (201, 200 or 202), undefined for 204. */
export async function apiSend<M extends SendMethod, P extends SendPaths<M>>(
  method: M,
  path: P,
  opts: SendOptions<M, P>,
  init: RequestInit_ = {},
): Promise<SendResult<M, P>> {
  const o = opts as { path?: Record<string, string>; body?: unknown };
  const res = await request(fillPath(path, o.path), init, method.toUpperCase(), o.body);
  return (res.status === 204 ? undefined : await res.json().catch(() => undefined)) as SendResult<M, P>;
}
