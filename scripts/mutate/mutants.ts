/**
 * Mutant generation for `bun run mutate`: parses a TypeScript module and lists one-edit changes a
 * plausible bug would make (flipped comparisons and boolean operators, conditions forced true or false,
 * negations dropped, arithmetic swapped, constants off by one, a string compared against emptied,
 * `?? default` dropped, `+ "/"`-like joins dropped, guarded blocks emptied, min/max and
 * startsWith/endsWith swapped, regex quantifiers and alternatives changed).
 * Pure: text in, mutants out; nothing is written here.
 */
import ts from "typescript";

export interface Mutant {
  /** 1-based line and column of the change in the original text. */
  line: number;
  column: number;
  start: number;
  end: number;
  original: string;
  replacement: string;
  /** What changed, for the report: `=== → !==`. */
  description: string;
}

export interface MutateOptions {
  /** Only mutate inside these functions (declarations, methods, object properties, arrow consts). */
  functions?: string[];
}

const BINARY_SWAPS: Partial<Record<ts.SyntaxKind, string[]>> = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: ["!=="],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: ["==="],
  [ts.SyntaxKind.EqualsEqualsToken]: ["!="],
  [ts.SyntaxKind.ExclamationEqualsToken]: ["=="],
  [ts.SyntaxKind.LessThanToken]: ["<=", ">="],
  [ts.SyntaxKind.LessThanEqualsToken]: ["<", ">"],
  [ts.SyntaxKind.GreaterThanToken]: [">=", "<="],
  [ts.SyntaxKind.GreaterThanEqualsToken]: [">", "<"],
  [ts.SyntaxKind.AmpersandAmpersandToken]: ["||"],
  [ts.SyntaxKind.BarBarToken]: ["&&"],
  [ts.SyntaxKind.PlusToken]: ["-"],
  [ts.SyntaxKind.MinusToken]: ["+"],
  [ts.SyntaxKind.AsteriskToken]: ["/"],
  [ts.SyntaxKind.SlashToken]: ["*"],
  [ts.SyntaxKind.PercentToken]: ["*"],
  [ts.SyntaxKind.AsteriskAsteriskToken]: ["*"],
};

const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

const METHOD_SWAPS: Record<string, string> = {
  startsWith: "endsWith",
  endsWith: "startsWith",
  min: "max",
  max: "min",
  some: "every",
  every: "some",
};

/** String pieces this short are separators or prefixes (`/`, `..`, `sk-`), not messages. */
const SHORT_LITERAL = 4;

export function generateMutants(text: string, fileName: string, opts: MutateOptions = {}): Mutant[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Mutant[] = [];
  const add = (node: ts.Node | { start: number; end: number }, replacement: string, description: string) => {
    const start = "getStart" in node ? node.getStart(sf) : node.start;
    const end = "getEnd" in node ? node.getEnd() : node.end;
    const original = text.slice(start, end);
    if (original === replacement) return;
    const pos = sf.getLineAndCharacterOfPosition(start);
    out.push({
      line: pos.line + 1,
      column: pos.character + 1,
      start,
      end,
      original,
      replacement,
      description,
    });
  };
  const src = (n: ts.Node) => n.getText(sf);

  const visit = (node: ts.Node, inScope: boolean): void => {
    if (skipped(node)) return;
    const scope = inScope || opts.functions?.includes(functionName(node) ?? "") === true;
    if (scope) mutateNode(node);
    ts.forEachChild(node, (child) => visit(child, scope));
  };

  const mutateNode = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken;
      const opText = src(op);
      for (const to of BINARY_SWAPS[op.kind] ?? []) add(op, to, `${opText} → ${to}`);
      if (op.kind === ts.SyntaxKind.QuestionQuestionToken)
        add(node, src(node.left), `drop ?? ${short(src(node.right))}`);
      if (EQUALITY.has(op.kind)) {
        for (const side of [node.left, node.right])
          if (ts.isStringLiteral(side) && side.text !== "") add(side, '""', `${src(side)} → ""`);
      }
      if (op.kind === ts.SyntaxKind.PlusToken) {
        for (const [lit, other] of [
          [node.right, node.left],
          [node.left, node.right],
        ] as const) {
          if (ts.isStringLiteral(lit) && lit.text.length <= SHORT_LITERAL)
            add(node, src(other), `drop + ${src(lit)}`);
        }
      }
    } else if (ts.isPrefixUnaryExpression(node)) {
      if (node.operator === ts.SyntaxKind.ExclamationToken) add(node, src(node.operand), "drop !");
      if (node.operator === ts.SyntaxKind.PlusPlusToken) add(node, `--${src(node.operand)}`, "++ → --");
      if (node.operator === ts.SyntaxKind.MinusMinusToken) add(node, `++${src(node.operand)}`, "-- → ++");
    } else if (ts.isPostfixUnaryExpression(node)) {
      if (node.operator === ts.SyntaxKind.PlusPlusToken) add(node, `${src(node.operand)}--`, "++ → --");
      if (node.operator === ts.SyntaxKind.MinusMinusToken) add(node, `${src(node.operand)}++`, "-- → ++");
    } else if (node.kind === ts.SyntaxKind.TrueKeyword) {
      add(node, "false", "true → false");
    } else if (node.kind === ts.SyntaxKind.FalseKeyword) {
      add(node, "true", "false → true");
    } else if (ts.isNumericLiteral(node)) {
      const n = Number(node.text);
      if (Number.isInteger(n)) add(node, String(n + 1), `${node.text} → ${n + 1}`);
    } else if (ts.isTemplateExpression(node)) {
      const literal = node.head.text + node.templateSpans.map((s) => s.literal.text).join("");
      if (literal.length > 0 && literal.length <= SHORT_LITERAL) {
        const bare = `\`${node.templateSpans.map((s) => `\${${src(s.expression)}}`).join("")}\``;
        add(node, bare, `drop "${literal}" from template`);
      }
    } else if (ts.isRegularExpressionLiteral(node)) {
      for (const m of regexMutants(src(node))) add(node, m.replacement, m.description);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name;
      const to = METHOD_SWAPS[name.text];
      if (to) add(name, to, `${name.text} → ${to}`);
    }
    const condition = conditionOf(node);
    if (condition) {
      add(condition, "true", `condition ${short(src(condition))} → true`);
      add(condition, "false", `condition ${short(src(condition))} → false`);
    }
    if (ts.isIfStatement(node) && !isEmptyBlock(node.thenStatement))
      add(node.thenStatement, "{}", `empty the block of if (${short(src(node.expression))})`);
  };

  visit(sf, opts.functions === undefined);
  return dedupe(out);
}

/** Types, imports and declarations without runtime code are not mutated. */
function skipped(node: ts.Node): boolean {
  return (
    ts.isTypeNode(node) ||
    ts.isImportDeclaration(node) ||
    ts.isExportDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isModuleDeclaration(node)
  );
}

function functionName(node: ts.Node): string | undefined {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name)
    return node.name.getText();
  if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)) return node.name.text;
  if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
    if (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
      return node.name.text;
  }
  return undefined;
}

function conditionOf(node: ts.Node): ts.Expression | undefined {
  if (ts.isIfStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node)) return node.expression;
  if (ts.isForStatement(node)) return node.condition;
  if (ts.isConditionalExpression(node)) return node.condition;
  return undefined;
}

function isEmptyBlock(s: ts.Statement): boolean {
  return ts.isBlock(s) && s.statements.length === 0;
}

function short(s: string): string {
  const one = s.replace(/\s+/g, " ");
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}

/** Two mutants with the same edit (a condition that is also a `!x`) count once. */
function dedupe(ms: Mutant[]): Mutant[] {
  const seen = new Set<string>();
  return ms.filter((m) => {
    const key = `${m.start}:${m.end}:${m.replacement}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Regex mutants: `{n,}` → `{n+1,}`, `\b` dropped, `^`/`$` dropped, and each alternative of a
 * `a|b|c` group dropped in turn.
 */
export function regexMutants(literal: string): { replacement: string; description: string }[] {
  const close = literal.lastIndexOf("/");
  const body = literal.slice(1, close);
  const flags = literal.slice(close);
  const out: { replacement: string; description: string }[] = [];
  const wrap = (b: string) => `/${b}${flags}`;
  for (const m of body.matchAll(/\{(\d+),(\d*)\}/g)) {
    const i = m.index ?? 0;
    const bumped = `{${Number(m[1]) + 1},${m[2]}}`;
    out.push({
      replacement: wrap(body.slice(0, i) + bumped + body.slice(i + m[0].length)),
      description: `regex ${m[0]} → ${bumped}`,
    });
  }
  const tokens = scanRegex(body);
  for (const t of tokens) {
    if (t.kind === "boundary" || t.kind === "anchor")
      out.push({
        replacement: wrap(body.slice(0, t.start) + body.slice(t.end)),
        description: `regex drop ${body.slice(t.start, t.end)}`,
      });
  }
  for (const alt of alternatives(body, tokens)) {
    const piece = body.slice(alt.start, alt.end);
    out.push({
      replacement: wrap(body.slice(0, alt.start) + body.slice(alt.end)),
      description: `regex drop alternative ${short(piece)}`,
    });
  }
  return out;
}

interface RegexToken {
  kind: "boundary" | "anchor" | "bar" | "open" | "close";
  start: number;
  end: number;
  depth: number;
}

function scanRegex(body: string): RegexToken[] {
  const tokens: RegexToken[] = [];
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") {
      if (!inClass && body[i + 1] === "b") tokens.push({ kind: "boundary", start: i, end: i + 2, depth });
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") inClass = true;
    else if (c === "(") tokens.push({ kind: "open", start: i, end: i + 1, depth: ++depth });
    else if (c === ")") tokens.push({ kind: "close", start: i, end: i + 1, depth: depth-- });
    else if (c === "|") tokens.push({ kind: "bar", start: i, end: i + 1, depth });
    else if (c === "^" || c === "$") tokens.push({ kind: "anchor", start: i, end: i + 1, depth });
  }
  return tokens;
}

/** Each alternative with the bar that separates it, so dropping it leaves a valid pattern. */
function alternatives(body: string, tokens: RegexToken[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const bars = tokens.filter((t) => t.kind === "bar");
  for (const bar of bars) {
    // The alternative after this bar runs to the next bar or close paren at the same depth.
    const next = tokens.find(
      (t) => t.start > bar.start && t.depth === bar.depth && (t.kind === "bar" || t.kind === "close"),
    );
    out.push({ start: bar.start, end: next ? next.start : body.length });
  }
  // And the first alternative of each group that has bars, with the bar after it.
  for (const bar of bars) {
    const prevBar = [...bars].reverse().find((t) => t.start < bar.start && t.depth === bar.depth);
    if (prevBar) continue;
    const open = [...tokens]
      .reverse()
      .find((t) => t.kind === "open" && t.start < bar.start && t.depth === bar.depth);
    out.push({ start: open ? open.end : 0, end: bar.end });
  }
  return out;
}

export function applyMutant(text: string, m: Mutant): string {
  return text.slice(0, m.start) + m.replacement + text.slice(m.end);
}
