// The fleet JSON Schema for editors and docs: lib/model/schema.ts (the validation contract) with each
// field's description, default and examples read from the TSDoc of the model types (lib/model/types*.ts,
// routes.ts, delivery.ts, gateway-api-settings.ts), so the documentation has one source. The TypeScript
// compiler walks the type FleetDocument alongside the schema: a schema property the type lacks, or a
// field without TSDoc, is a problem the generator reports (and a test fails on).
// TSDoc tags read: `@default <value>` (a YAML value that fits the field becomes `default`; prose is
// appended to the description), `@example <value>` (must be valid for the field; becomes `examples`).
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parse } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { knownLinkerdVersions } from '../lib/compat/linkerd-releases.ts';
import { fleetSchema } from '../lib/model/schema.ts';

type Node = Record<string, unknown> & {
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node | boolean;
  anyOf?: Node[];
  oneOf?: Node[];
  description?: string;
};

/**
 * Closed sets the validation schema leaves open on purpose: an unknown Linkerd version is refused by
 * lib/resolve (one error naming the known versions) so that the rest of the fleet is still checked;
 * editors get the list from the release table. Keyed by `<declaring type>.<property>`.
 */
const EDITOR_ENUMS: Record<string, readonly string[]> = {
  'ClusterSettings.linkerd': knownLinkerdVersions(),
};

const TYPES_ENTRY = fileURLToPath(new URL('../lib/model/types.ts', import.meta.url));

export interface DocumentedSchema {
  readonly schema: Record<string, unknown>;
  /** Fields without TSDoc, schema properties the types lack, defaults or examples that do not fit. */
  readonly problems: readonly string[];
}

export function documentedFleetSchema(): DocumentedSchema {
  const { schema, problems } = documentedSchema(fleetSchema, TYPES_ENTRY, 'FleetDocument');
  const { $id, title, ...rest } = schema;
  return { schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', $id, title, ...rest }, problems };
}

/** `schema` annotated from the TSDoc of `rootType`, an interface exported by the module `entry`. */
export function documentedSchema(validation: object, entry: string, rootType: string): DocumentedSchema {
  const program = ts.createProgram([entry], {
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry)!;
  const root = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((s) => s.name === rootType);
  if (!root) throw new Error(`${entry} exports no ${rootType}`);
  // A tree copy: the schema pieces share objects (one `namespaceName` for every namespace field), and
  // each place gets its own description.
  const schema = JSON.parse(JSON.stringify(validation)) as Node;
  const problems: string[] = [];
  const ajv = new Ajv2020({ strict: false, discriminator: true });
  const fits = (node: Node, value: unknown) => {
    const { description: _d, examples: _e, default: _f, ...bare } = node;
    return ajv.validate(bare, value);
  };

  const docOf = (symbol: ts.Symbol | undefined) => (symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() : '');
  /** The TSDoc of the type alias or interface a value has, for list items and union branches. */
  const typeDoc = (type: ts.Type) => oneParagraph(docOf(type.aliasSymbol) || (type.symbol && !(type.symbol.flags & ts.SymbolFlags.TypeLiteral) ? docOf(type.symbol) : ''));
  const members = (type: ts.Type) => (type.isUnion() ? type.types : [type]);
  const arrayElement = (type: ts.Type) => {
    const array = members(type).find((t) => checker.isArrayType(t));
    return array ? checker.getTypeArguments(array as ts.TypeReference)[0] : undefined;
  };
  /**
   * The union member a schema branch describes: the one whose discriminator (a `const` property) has
   * that literal type, else the one with every property the branch names.
   */
  const memberFor = (type: ts.Type, node: Node) => {
    const objects = members(type).filter((t) => !checker.isArrayType(t) && t.getProperties().length > 0);
    const consts = Object.entries(node.properties ?? {}).filter(([, p]) => 'const' in p);
    if (consts.length) {
      const found = objects.find((t) =>
        consts.every(([k, p]) => {
          const prop = t.getProperty(k);
          return prop && members(checker.getTypeOfSymbol(prop)).some((m) => m.isLiteral() && m.value === p.const);
        }),
      );
      if (found) return found;
    }
    const keys = Object.keys(node.properties ?? {});
    return objects.find((t) => keys.every((k) => t.getProperty(k))) ?? (objects.length === 1 ? objects[0] : undefined);
  };
  /** A property of the type; for a union whose members split the properties ({ pem } | { file }), the member's. */
  const propertyOf = (type: ts.Type, owner: ts.Type | undefined, key: string) =>
    owner?.getProperty(key) ?? members(type).map((t) => t.getProperty(key)).find(Boolean);

  function describe(node: Node, symbol: ts.Symbol, valueType: ts.Type, where: string) {
    const text = docOf(symbol) || typeDoc(valueType);
    const prose: string[] = text ? [oneParagraph(text)] : [];
    for (const tag of symbol.getJsDocTags(checker)) {
      const value = oneParagraph(ts.displayPartsToString(tag.text).trim());
      if (tag.name === 'default') {
        const parsed = parseValue(value);
        if (parsed.ok && fits(node, parsed.value)) node.default = parsed.value;
        else prose.push(`Default: ${value}.`);
      } else if (tag.name === 'example') {
        const parsed = parseValue(value, true);
        if (parsed.ok && fits(node, parsed.value)) node.examples = [...((node.examples as unknown[]) ?? []), parsed.value];
        else problems.push(`${where}: @example ${value} is not a valid value`);
      }
    }
    // A default alone does not say what the field is.
    if (!text) problems.push(`${where}: no TSDoc on ${declaringName(symbol)}`);
    if (prose.length) node.description = prose.join(' ');
    const enumValues = EDITOR_ENUMS[declaringName(symbol)];
    if (enumValues) node.enum = [...enumValues];
  }

  function declaringName(symbol: ts.Symbol) {
    const parent = symbol.declarations?.[0]?.parent;
    const owner = parent && (ts.isInterfaceDeclaration(parent) || ts.isTypeAliasDeclaration(parent)) ? parent.name.text : parent && ts.isTypeLiteralNode(parent) ? typeLiteralOwner(parent) : '?';
    return `${owner}.${symbol.name}`;
  }
  function typeLiteralOwner(node: ts.Node): string {
    for (let n: ts.Node | undefined = node; n; n = n.parent) {
      if (ts.isPropertySignature(n) && ts.isIdentifier(n.name)) return `${typeLiteralOwner(n.parent)}.${n.name.text}`;
      if (ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) return n.name.text;
    }
    return '?';
  }

  function walk(node: Node, type: ts.Type | undefined, where: string) {
    if (!type) return;
    type = checker.getNonNullableType(type);
    if (node.properties) {
      const owner = memberFor(type, node);
      for (const [key, child] of Object.entries(node.properties)) {
        const symbol = propertyOf(type, owner, key);
        if (!symbol) {
          problems.push(`${where}/properties/${key}: the model type ${checker.typeToString(owner ?? type)} has no property ${key}`);
          continue;
        }
        const valueType = checker.getNonNullableType(checker.getTypeOfSymbol(symbol));
        describe(child, symbol, valueType, `${where}/properties/${key}`);
        walk(child, valueType, `${where}/properties/${key}`);
      }
    }
    if (node.items && typeof node.items === 'object') {
      const element = arrayElement(type);
      if (element) {
        const doc = typeDoc(element);
        if (doc && !node.items.description) node.items.description = doc;
      }
      walk(node.items, element, `${where}/items`);
    }
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      const value = checker.getIndexTypeOfType(type, ts.IndexKind.String);
      if (value) {
        const doc = typeDoc(value);
        if (doc && !node.additionalProperties.description) node.additionalProperties.description = doc;
      }
      walk(node.additionalProperties, value, `${where}/additionalProperties`);
    }
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      node[keyword]?.forEach((branch, i) => {
        const member = branch.properties ? memberFor(type, branch) : type;
        if (branch.properties && member && member !== type) {
          const doc = typeDoc(member);
          if (doc && !branch.description) branch.description = doc;
        }
        walk(branch, member, `${where}/${keyword}/${i}`);
      });
    }
  }

  walk(schema, checker.getDeclaredTypeOfSymbol(root), '');
  if (docOf(root)) schema.description = docOf(root);
  return { schema: ordered(schema) as Record<string, unknown>, problems };
}

/** Description first, then the schema's own keywords, then default and examples: reads well in the file. */
function ordered(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(ordered);
  if (!node || typeof node !== 'object') return node;
  const { description, default: def, examples, ...rest } = node as Record<string, unknown>;
  return {
    ...(description !== undefined ? { description } : {}),
    ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, ordered(v)])),
    ...(def !== undefined ? { default: def } : {}),
    ...(examples !== undefined ? { examples } : {}),
  };
}

/** TSDoc lines joined into one paragraph; list items ("- x: ...") keep their own lines. */
function oneParagraph(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .reduce((out, line) => (!out ? line : line.startsWith('- ') ? `${out}\n${line}` : `${out} ${line}`), '');
}

/** An example is always a YAML value; a default is one only when it starts like one (not "the cluster's own name"). */
function parseValue(text: string, example = false): { ok: true; value: unknown } | { ok: false } {
  if (!example && !/^(["'{[\-0-9]|true\b|false\b)/.test(text)) return { ok: false };
  try {
    return { ok: true, value: parse(text) };
  } catch {
    return { ok: false };
  }
}
