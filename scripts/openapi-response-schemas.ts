/**
 * Derives the JSON Schema of every API route's answer from its controller method's return type (the
 * TypeScript checker, TypeScript 6), so that the OpenAPI document says what the code really returns.
 * Writes src/openapi/response-schemas.generated.ts (one line per operation, one per named schema). Run by
 * `npm run openapi`. A route may still name its answer with `@ApiOkResponse({ type: SomeDto })`: that wins.
 *
 * Named shapes (an exported interface, class or object type alias declared under src/, not generic) become
 * `components.schemas.<TypeName>` and are referenced with `$ref`; anonymous shapes stay inline. Two
 * different types of one name are told apart by their module (`Jury` + name), then by a number in file order.
 * Money (`...Cents`) and counts, positions, versions and pages are `integer`.
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
const SRC = resolve(ROOT, 'src') + '/';
/** Numbers that are whole by nature, by property name (money in cents, counts, positions, versions, pages, pixels). */
const INTEGER_NAME = /(Cents|Count|Bytes|Position|Version)$|^(cents|count|bytes|position|version|rank|page|pages|pageSize|width|height|quantity)$/;
const CENTS_DESCRIPTION = 'Amount in euro cents (an integer: 2500 is 25,00 €).';
let checker: ts.TypeChecker;
/** The named schemas met so far, by a placeholder key (`<file>#<name>`) until their final names are chosen. */
let components: Map<string, { name: string; file: string; schema: Schema | undefined }>;
/** The exported, non-generic type aliases of src/ that name a lib type's instantiation (`Localized`), by type. */
let aliases: Map<ts.Type, ts.TypeAliasDeclaration>;
const PLACEHOLDER = '#/components/schemas/\u0000';

function isNullish(t: ts.Type): boolean {
  return (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0;
}

/** `number` made `integer` (also inside a nullable `anyOf`). */
function integer(schema: Schema): Schema {
  if (schema.type === 'number') return { ...schema, type: 'integer' };
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: (schema.anyOf as Schema[]).map(integer) };
  return schema;
}

/**
 * The name and declaration of this type as a component, if it is a named, non-generic shape of src/: an
 * exported interface, class or object type alias, or the object an exported function `somethingView`
 * returns (named `SomethingView`: the views the controllers answer are built by such functions).
 */
function namedDeclaration(type: ts.Type): { name: string; decl: ts.Declaration } | undefined {
  const alias = type.aliasSymbol;
  const aliased = aliases.get(type);
  if (alias) {
    const decl = alias.declarations?.find(ts.isTypeAliasDeclaration);
    if (decl && !type.aliasTypeArguments?.length && isExportedFromSrc(decl)) return { name: decl.name.text, decl };
    // `Readonly<Record<Locale, string>>` is reported as `Readonly<...>`: the alias of src that names it wins.
    return aliased ? { name: aliased.name.text, decl: aliased } : undefined;
  }
  const symbol = type.getSymbol();
  if (symbol && symbol.flags & ts.SymbolFlags.ObjectLiteral) return viewFunction(type, symbol);
  if (!symbol || !(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class))) return undefined;
  if ((type as ts.TypeReference).typeArguments?.length || (type as ts.InterfaceType).typeParameters?.length) return undefined;
  const decl = symbol.declarations?.find((d) => ts.isInterfaceDeclaration(d) || ts.isClassDeclaration(d));
  // Request DTO classes (dto/*.dto.ts) are Nest's own components, drawn from their decorators: inline here.
  if (decl?.getSourceFile().fileName.endsWith('.dto.ts')) return undefined;
  return decl?.name && isExportedFromSrc(decl) ? { name: decl.name.text, decl } : undefined;
}

/** The non-generic `xView` function of src/ whose only answer is this object literal (or it or null). */
function viewFunction(type: ts.Type, symbol: ts.Symbol): { name: string; decl: ts.Declaration } | undefined {
  let node: ts.Node | undefined = symbol.declarations?.[0];
  while (node?.parent && (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isSatisfiesExpression(node.parent)))
    node = node.parent;
  let fn: ts.Node | undefined = node?.parent;
  if (fn && ts.isReturnStatement(fn)) fn = fn.parent?.parent;
  if (!fn || !ts.isFunctionDeclaration(fn) || !fn.name || !/.View$/.test(fn.name.text) || fn.typeParameters?.length) return undefined;
  if (!fn.getSourceFile().fileName.startsWith(SRC)) return undefined;
  const signature = checker.getSignatureFromDeclaration(fn);
  const returned = signature && checker.getReturnTypeOfSignature(signature);
  const answers = returned?.isUnion() ? returned.types.filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined))) : [returned];
  if (answers.length !== 1 || answers[0] !== type) return undefined;
  return { name: fn.name.text[0].toUpperCase() + fn.name.text.slice(1), decl: fn };
}

/**
 * The named views an object literal spreads (`{ ...applicationView(a), missing }`): their `$ref`s, and the
 * names of the members they give that the literal does not set again itself.
 */
function spreadViews(type: ts.Type, node: ts.Node): { bases: Schema[]; inherited: Set<string> } {
  const bases: Schema[] = [];
  const inherited = new Set<string>();
  const symbol = type.getSymbol();
  const literal = symbol && symbol.flags & ts.SymbolFlags.ObjectLiteral ? symbol.declarations?.[0] : undefined;
  if (!literal || !ts.isObjectLiteralExpression(literal) || viewFunction(type, symbol!)) return { bases, inherited };
  literal.properties.forEach((member, i) => {
    if (!ts.isSpreadAssignment(member)) return;
    const spread = checker.getTypeAtLocation(member.expression);
    const named = spread.flags & ts.TypeFlags.Object ? namedDeclaration(spread) : undefined;
    if (!named) return;
    const later = new Set(literal.properties.slice(i + 1).flatMap((m) => (m.name ? [m.name.getText()] : [])));
    const given = checker.getPropertiesOfType(spread).map((p) => p.getName());
    // A member set again after the spread may change its type: then the view is not a base.
    if (given.some((name) => later.has(name))) return;
    bases.push(reference(spread, named.name, named.decl, node));
    for (const name of given) inherited.add(name);
  });
  return { bases, inherited };
}

function isExportedFromSrc(decl: ts.Declaration): boolean {
  return decl.getSourceFile().fileName.startsWith(SRC) && (ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Export) !== 0;
}

/** A `$ref` to the component of this named type (its schema computed once, from no context). */
function reference(type: ts.Type, name: string, decl: ts.Declaration, node: ts.Node): Schema {
  const file = decl.getSourceFile().fileName.slice(SRC.length);
  const key = `${file}#${name}`;
  if (!components.has(key)) {
    const entry = { name, file, schema: undefined as Schema | undefined };
    components.set(key, entry);
    const schema = shape(type, node, 0, new Set());
    // The declaration's doc comment (its first paragraph) says what the schema is.
    const declName = (decl as ts.DeclarationStatement).name;
    const symbol = declName ? checker.getSymbolAtLocation(declName) : undefined;
    const doc = symbol
      ? ts
          .displayPartsToString(symbol.getDocumentationComment(checker))
          .split(/\n\s*\n/)[0]
          .replace(/\s+/g, ' ')
          .trim()
      : '';
    entry.schema = doc ? { description: doc, ...schema } : schema;
  }
  return { $ref: PLACEHOLDER + key };
}

function toSchema(type: ts.Type, node: ts.Node, depth: number, seen: Set<ts.Type>): Schema {
  const named = type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection) ? namedDeclaration(type) : undefined;
  if (named) return reference(type, named.name, named.decl, node);
  return shape(type, node, depth, seen);
}

function shape(type: ts.Type, node: ts.Node, depth: number, seen: Set<ts.Type>): Schema {
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
    const { bases, inherited } = spreadViews(type, node);
    for (const prop of checker.getPropertiesOfType(type)) {
      if (inherited.has(prop.getName())) continue;
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
      const name = prop.getName();
      const schema = toSchema(propType, node, depth + 1, inner);
      properties[name] = INTEGER_NAME.test(name) ? integer(schema) : schema;
      if (/Cents$|^cents$/.test(name) && properties[name] !== schema) properties[name] = { ...properties[name], description: CENTS_DESCRIPTION };
      if (!optional) required.push(prop.getName());
    }
    const schema: Schema = { type: 'object', properties };
    if (required.length) schema.required = required;
    const index = checker.getIndexInfosOfType(type)[0];
    if (index) schema.additionalProperties = toSchema(index.type, node, depth + 1, inner);
    return bases.length ? { allOf: [...bases, schema] } : schema;
  }
  return {};
}

const pascal = (s: string) => s.replace(/(^|[-_.])([a-z])/g, (_, __, c: string) => c.toUpperCase());

/**
 * The final name of each component (by its key `<file>#<name>`): its type name, or, when two types share
 * it, its module's name before it (`Jury` + `Summary`), then a number (2, 3...) in file order while that
 * name is still taken. Only the types' names and files decide, never the order they were met in.
 */
export function componentNames(types: ReadonlyArray<{ key: string; name: string; file: string }>): Map<string, string> {
  const out = new Map<string, string>();
  const byName = new Map<string, Array<{ key: string; file: string }>>();
  for (const t of types) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);
  const taken = new Set([...byName].filter(([, ts]) => ts.length === 1).map(([name]) => name));
  for (const [name, group] of [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (group.length === 1) {
      out.set(group[0].key, name);
      continue;
    }
    for (const { key, file } of [...group].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      const base = `${pascal(file.split('/')[0])}${name}`;
      let candidate = base;
      for (let n = 2; taken.has(candidate); n++) candidate = `${base}${n}`;
      taken.add(candidate);
      out.set(key, candidate);
    }
  }
  return out;
}

/** The text of src/openapi/response-schemas.generated.ts, from the controllers as they are now. */
export function responseSchemasSource(): string {
  const configPath = resolve(ROOT, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, ROOT);
  const files = parsed.fileNames.filter((f) => /\/src\/.*\.controller\.ts$/.test(f) && !f.includes('.pages.'));
  const program = ts.createProgram(files, parsed.options);
  checker = program.getTypeChecker();
  components = new Map();
  aliases = new Map();
  const sources = program
    .getSourceFiles()
    .filter((f) => f.fileName.startsWith(SRC))
    .sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
  for (const file of sources)
    for (const statement of file.statements)
      if (ts.isTypeAliasDeclaration(statement) && !statement.typeParameters && isExportedFromSrc(statement)) {
        const type = checker.getTypeAtLocation(statement.name);
        const lib = type.aliasSymbol?.declarations?.every((d) => !d.getSourceFile().fileName.startsWith(SRC));
        if (lib && type.flags & ts.TypeFlags.Object && !aliases.has(type)) aliases.set(type, statement);
      }
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
  const names = componentNames([...components].map(([key, c]) => ({ key, name: c.name, file: c.file })));
  const named = (schema: Schema) =>
    JSON.stringify(schema).replace(/"#\/components\/schemas\/\\u0000([^"]+)"/g, (_, key: string) => JSON.stringify(`#/components/schemas/${names.get(key)}`));
  const lines = Object.keys(out)
    .sort()
    .map((id) => `  ${JSON.stringify(id)}: ${named(out[id])},`);
  const componentLines = [...components.entries()]
    .map(([key, c]) => [names.get(key)!, c.schema!] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, schema]) => `  ${JSON.stringify(name)}: ${named(schema)},`);
  return [
    "/* Generated by `npm run openapi` (scripts/openapi-response-schemas.ts) from the controllers' return types: do not edit. */",
    'export const RESPONSE_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = {',
    ...lines,
    '};',
    '/** The named shapes the answers refer to (`#/components/schemas/<name>`), by their TypeScript names. */',
    'export const COMPONENT_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = {',
    ...componentLines,
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
  console.log(`response schemas: ${text.split('\n').filter((l) => l.startsWith('  "')).length} lines${before === text ? ' (unchanged)' : ''}`);
}
