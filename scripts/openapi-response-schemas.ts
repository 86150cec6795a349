/**
 * Derives the JSON Schema of every API route's answer from its controller method's return type (the
 * TypeScript checker, TypeScript 6), so that the OpenAPI document says what the code really returns.
 * Writes src/openapi/response-schemas.generated.ts (one line per operation). Run by `npm run openapi`.
 * A route may still name its answer with `@ApiOkResponse({ type: SomeDto })`: that wins in the document.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

type Schema = Record<string, unknown>;
const ROOT = resolve(import.meta.dirname, '..');
const HTTP = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete']);
const MAX_DEPTH = 10;

export const GENERATED_FILE = resolve(ROOT, 'src/openapi/response-schemas.generated.ts');
let checker: ts.TypeChecker;

function isNullish(t: ts.Type): boolean {
  return (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0;
}

function toSchema(type: ts.Type, node: ts.Node, depth: number, seen: Set<ts.Type>): Schema {
  const f = type.flags;
  if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
  if (f & ts.TypeFlags.Null) return { type: 'null' };
  if (f & ts.TypeFlags.StringLiteral) return { type: 'string', const: (type as ts.StringLiteralType).value };
  if (f & ts.TypeFlags.NumberLiteral) return { type: 'number', const: (type as ts.NumberLiteralType).value };
  if (f & ts.TypeFlags.BooleanLiteral) return { type: 'boolean' };
  if (f & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral)) return { type: 'string' };
  if (f & ts.TypeFlags.Number) return { type: 'number' };
  if (f & ts.TypeFlags.Boolean) return { type: 'boolean' };
  if (f & ts.TypeFlags.BigInt) return { type: 'string' };
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !isNullish(t));
    const bools = parts.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    const others = parts.filter((t) => !(t.flags & ts.TypeFlags.BooleanLiteral));
    const schemas = others.map((t) => toSchema(t, node, depth, seen));
    if (bools.length) schemas.push({ type: 'boolean' });
    const strings = schemas.filter((s) => s.type === 'string' && 'const' in s && Object.keys(s).length === 2);
    const rest = schemas.filter((s) => !strings.includes(s));
    const merged = [...(strings.length ? [{ type: 'string', enum: strings.map((s) => s.const) }] : []), ...rest];
    const unique = merged.filter((s, i) => merged.findIndex((o) => JSON.stringify(o) === JSON.stringify(s)) === i);
    if (unique.some((s) => Object.keys(s).length === 0)) return {};
    return unique.length === 1 ? unique[0] : { anyOf: unique };
  }
  if (depth > MAX_DEPTH || seen.has(type)) return {};
  const symbol = type.getSymbol();
  const name = symbol?.getName();
  if (name === 'Date') return { type: 'string', format: 'date-time' };
  if (name === 'Buffer' || name === 'Uint8Array' || name === 'Readable' || name === 'StreamableFile')
    return { type: 'string', contentMediaType: 'application/octet-stream' };
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    const args = checker.getTypeArguments(type as ts.TypeReference);
    if (checker.isTupleType(type)) return { type: 'array', prefixItems: args.map((a) => toSchema(a, node, depth + 1, seen)) };
    return { type: 'array', items: args[0] ? toSchema(args[0], node, depth + 1, seen) : {} };
  }
  if (type.isIntersection()) {
    return { allOf: type.types.map((t) => toSchema(t, node, depth + 1, seen)) };
  }
  if (f & ts.TypeFlags.Object) {
    if (type.getCallSignatures().length) return {};
    const inner = new Set(seen).add(type);
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const prop of checker.getPropertiesOfType(type)) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (decl && (ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl) || ts.isGetAccessor(decl))) continue;
      const propType = checker.getTypeOfSymbolAtLocation(prop, node);
      if (propType.getCallSignatures().length) continue;
      // A nullable member may also be absent: an entity saved without it serializes without it.
      const optional =
        (prop.flags & ts.SymbolFlags.Optional) !== 0 ||
        (propType.isUnion() && propType.types.some((t) => isNullish(t) || (t.flags & ts.TypeFlags.Null) !== 0)) ||
        isNullish(propType);
      if (isNullish(propType)) continue;
      properties[prop.getName()] = toSchema(propType, node, depth + 1, inner);
      if (!optional) required.push(prop.getName());
    }
    const schema: Schema = { type: 'object', properties };
    if (required.length) schema.required = required;
    const index = checker.getIndexInfosOfType(type)[0];
    if (index) schema.additionalProperties = toSchema(index.type, node, depth + 1, inner);
    return schema;
  }
  return {};
}

/** The text of src/openapi/response-schemas.generated.ts, from the controllers as they are now. */
export function responseSchemasSource(): string {
  const configPath = resolve(ROOT, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, ROOT);
  const files = parsed.fileNames.filter((f) => /\/src\/.*\.controller\.ts$/.test(f) && !f.includes('.pages.'));
  const program = ts.createProgram(files, parsed.options);
  checker = program.getTypeChecker();
  const out: Record<string, Schema> = {};
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    source.forEachChild(function visit(node) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      for (const member of node.members) {
        if (!ts.isMethodDeclaration(member) || !ts.isIdentifier(member.name)) continue;
        const decorators = ts.getDecorators(member) ?? [];
        const http = decorators.some(
          (d) => ts.isCallExpression(d.expression) && ts.isIdentifier(d.expression.expression) && HTTP.has(d.expression.expression.text),
        );
        if (!http) continue;
        // A route that writes its own response (@Res) answers files or streams: its document entry says which.
        if (member.parameters.some((p) => (ts.getDecorators(p) ?? []).some((d) => /^Res\((?!\{ passthrough: true)/.test(d.expression.getText(source)))))
          continue;
        const signature = checker.getSignatureFromDeclaration(member);
        if (!signature) continue;
        const awaited = checker.getAwaitedType(checker.getReturnTypeOfSignature(signature));
        if (!awaited || isNullish(awaited)) continue;
        out[`${node.name.text}_${member.name.text}`] = toSchema(awaited, member, 0, new Set());
      }
    });
  }
  const lines = Object.keys(out)
    .sort()
    .map((id) => `  ${JSON.stringify(id)}: ${JSON.stringify(out[id])},`);
  return [
    "/* Generated by `npm run openapi` (scripts/openapi-response-schemas.ts) from the controllers' return types: do not edit. */",
    'export const RESPONSE_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = responseSchemasSource();
  const before = (() => {
    try {
      return readFileSync(GENERATED_FILE, 'utf8');
    } catch {
      return '';
    }
  })();
  writeFileSync(GENERATED_FILE, text);
  console.log(`response schemas: ${text.split('\n').length - 5} operations${before === text ? ' (unchanged)' : ''}`);
}
