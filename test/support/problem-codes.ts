import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

/**
 * Every problem code and field-error code the service's source can emit, read from its syntax (TypeScript's parser,
 * so line breaks and formatting do not matter). A code is emitted by one of these shapes:
 *
 * - `new Problem(status, "code", ...)`: a problem code (the helpers in src/http/problem.ts are such calls too);
 * - a call to a forwarder, a function that takes a code and puts it into a problem or a field error (FORWARDERS):
 *   `conflict("code", ...)`, `refuse(status, "code", ...)`, `summary.fail(path, "code", ...)` ...;
 * - an object literal with `code` and `message` (a field error, or what becomes one: a zod issue, a decimal input),
 *   or a zod issue's `params: { code: "code" }`.
 *
 * A code that is not a string literal (or a `?:` of them) is accepted only where it merely passes one on: inside a
 * forwarder (its parameter), as another object's `.code` (which was a literal where that object was made), or as
 * issueCode's result (zod's codes, which the test enumerates). Anything else is returned in `unexplained`, so a new
 * way of making codes fails the test until it is a literal or a registered forwarder.
 */

export type Kind = "problem" | "field";

interface Forwarder {
  /** Where it is defined: calls count there and in the files that import it from there. */
  module: string;
  /** The position of the code among its arguments. */
  arg: number;
  kinds: Kind[];
}

/** Functions that forward a code, by name. */
export const FORWARDERS: Record<string, Forwarder> = {
  conflict: { module: "src/http/problem.ts", arg: 0, kinds: ["problem"] },
  limited: { module: "src/limits/charge.ts", arg: 1, kinds: ["problem"] },
  refuse: { module: "src/xml/wellformed.ts", arg: 1, kinds: ["problem", "field"] },
  fail: { module: "src/xml/map.ts", arg: 1, kinds: ["field"] },
  add: { module: "src/claims/validate.ts", arg: 1, kinds: ["field"] },
};

/** The command-line tools print the service's answers for an operator, in English; they emit nothing over HTTP. */
const SKIPPED = new Set(["src/cli.ts", "src/xml/cli.ts"]);

/** Zod's own code for a custom issue: never emitted (issueCode answers its params.code, or "invalid"). */
const ZOD_CUSTOM = "custom";

export const noCodes = (): EmittedCodes => ({ problem: new Map(), field: new Map(), unexplained: [] });

export interface EmittedCodes {
  problem: Map<string, string[]>;
  field: Map<string, string[]>;
  unexplained: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The literal codes an expression can be, or null when it is not made of literals. */
function literals(node: ts.Expression): string[] | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return literals(node.expression);
  if (ts.isConditionalExpression(node)) {
    const [yes, no] = [literals(node.whenTrue), literals(node.whenFalse)];
    return yes && no ? [...yes, ...no] : null;
  }
  return null;
}

/** The name of the function a node is in: declared, a method, or an arrow or function bound to a name. */
function enclosingFunction(node: ts.Node): string | null {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if ((ts.isFunctionDeclaration(at) || ts.isMethodDeclaration(at)) && at.name) return at.name.getText();
    if (ts.isArrowFunction(at) || ts.isFunctionExpression(at)) {
      const holder = at.parent;
      if (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder)) return holder.name.getText();
    }
  }
  return null;
}

/** The forwarders a file may call, by the local name it calls them: its own, and those it imports. */
function callableForwarders(source: ts.SourceFile, name: string): Map<string, Forwarder> {
  const callable = new Map<string, Forwarder>();
  for (const [forwarderName, forwarder] of Object.entries(FORWARDERS))
    if (forwarder.module === name) callable.set(forwarderName, forwarder);
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const from = join(dirname(name), statement.moduleSpecifier.text);
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      const forwarder = FORWARDERS[(element.propertyName ?? element.name).text];
      if (forwarder?.module === from) callable.set(element.name.text, forwarder);
    }
  }
  return callable;
}

/** Whether a code that is not a literal only passes one on (see the module's comment). */
function forwarded(node: ts.Node, name: string): boolean {
  if (ts.isPropertyAccessExpression(node) && node.name.text === "code") return true;
  if (ts.isCallExpression(node) && node.expression.getText() === "issueCode") return true;
  if (ts.isIdentifier(node)) return FORWARDERS[enclosingFunction(node) ?? ""]?.module === name;
  return false;
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return "";
}

/** The code argument of a `new Problem` or forwarder call, with what it becomes; null for other calls. */
function codeArgument(node: ts.Node, callable: Map<string, Forwarder>): { code: ts.Expression; kinds: Kind[] } | null {
  if (ts.isNewExpression(node) && calleeName(node) === "Problem" && node.arguments?.[1])
    return { code: node.arguments[1], kinds: ["problem"] };
  if (!ts.isCallExpression(node)) return null;
  const forwarder = callable.get(calleeName(node));
  const code = forwarder && node.arguments[forwarder.arg];
  return code ? { code, kinds: forwarder.kinds } : null;
}

/**
 * The `code` of a field error or zod issue literal, or of a zod issue's `params`; null for other objects (a zod
 * schema's shape, `z.object({ path, code, message })`, is not a field error).
 */
function codeProperty(node: ts.Node): ts.Expression | null {
  if (!ts.isObjectLiteralExpression(node)) return null;
  if (ts.isCallExpression(node.parent) && calleeName(node.parent) === "object") return null;
  const named = (name: string) =>
    node.properties.find((prop) => prop.name && ts.isIdentifier(prop.name) && prop.name.text === name);
  const code = named("code");
  const isParams = ts.isPropertyAssignment(node.parent) && node.parent.name.getText() === "params";
  if (!code || (!named("message") && !isParams)) return null;
  if (ts.isShorthandPropertyAssignment(code)) return code.name;
  return ts.isPropertyAssignment(code) ? code.initializer : null;
}

/** Reads the codes of one file (`name`, relative to the repository) into `out`. */
export function scanSource(name: string, text: string, out: EmittedCodes): void {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const callable = callableForwarders(source, name);
  const record = (node: ts.Node, code: ts.Expression, kinds: Kind[]) => {
    const where = `${name}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const found = literals(code);
    if (!found) {
      if (!forwarded(code, name)) out.unexplained.push(`${where}: ${code.getText()}`);
      return;
    }
    for (const value of found)
      for (const kind of kinds)
        if (value !== ZOD_CUSTOM) out[kind].set(value, [...(out[kind].get(value) ?? []), where]);
  };
  const visit = (node: ts.Node): void => {
    const argument = codeArgument(node, callable);
    if (argument) record(node, argument.code, argument.kinds);
    const property = codeProperty(node);
    if (property) record(node, property, ["field"]);
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** The codes `src` (under `root`) emits, each with where. */
export function emittedCodes(root: string): EmittedCodes {
  const out = noCodes();
  for (const file of sourceFiles(join(root, "src"))) {
    const name = relative(root, file);
    if (!SKIPPED.has(name)) scanSource(name, readFileSync(file, "utf8"), out);
  }
  return out;
}
