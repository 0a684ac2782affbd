// Generates schemas/core-kinds/fields.json: for every GA built-in kind kubernetes-models ships, the
// field tree of its OpenAPI definition (the package's typings are generated from the Kubernetes
// OpenAPI spec, field names as on the wire). kubernetes-models' compiled validators do not reject
// unknown fields; lib/validate/core-kinds.ts walks these trees to do that at any depth, as
// `kubectl apply` with strict field validation does. Run: node --import tsx scripts/gen-core-kind-fields.ts
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const modelsDir = dirname(require.resolve('kubernetes-models/package.json'));
const modelsVersion = (JSON.parse(readFileSync(join(modelsDir, 'package.json'), 'utf8')) as { version: string }).version;
const GA_VERSION = /^v\d+$/;

/** `apps/v1/Deployment.d.ts` → apiVersion and kind, for every resource kind (its typing has TypeMeta). */
function resourceTypings(): { apiVersion: string; kind: string; file: string }[] {
  const found: { apiVersion: string; kind: string; file: string }[] = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder).sort()) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) {
        if (!entry.startsWith('_') && entry !== 'node_modules') visit(path);
        continue;
      }
      if (!entry.endsWith('.d.ts') || entry === 'index.d.ts') continue;
      const parts = relative(modelsDir, path).split('/');
      const version = parts[parts.length - 2]!;
      if (!GA_VERSION.test(version)) continue;
      const kind = entry.slice(0, -'.d.ts'.length);
      if (kind.endsWith('List')) continue;
      const text = readFileSync(path, 'utf8');
      if (!/extends TypeMeta/.test(text)) continue;
      const apiVersion = parts.length === 2 ? version : `${parts.slice(0, -1).join('/')}`;
      found.push({ apiVersion, kind, file: path });
    }
  };
  visit(modelsDir);
  return found;
}

/** A type reference: a type name (object with known fields), `[]name`, `{}name` (map), or `*` (any value). */
type Ref = string;
interface TypeFields {
  readonly [field: string]: Ref;
}

const roots = resourceTypings();
const program = ts.createProgram(roots.map((root) => root.file), { strict: true, noEmit: true });
const checker = program.getTypeChecker();
const types = new Map<string, TypeFields>();

function typeName(type: ts.Type): string | undefined {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const name = symbol?.getName();
  if (!name || name === '__type' || name === '__object') return undefined;
  // IIoK8sApiCoreV1ServicePort / IServicePort: the declaration file names the definition uniquely.
  const declaration = symbol!.getDeclarations()?.[0];
  const file = declaration ? relative(modelsDir, declaration.getSourceFile().fileName).replace(/^.*node_modules\//, '').replace(/\.d\.ts$/, '') : name;
  return file.replace(/^(?:\.\.\/)*(?:@kubernetes-models\/)?/, '');
}

function refOf(type: ts.Type): Ref {
  const nonNull = checker.getNonNullableType(type);
  if (nonNull.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return '*';
  if (nonNull.isUnion()) {
    // String literal unions (enums) and string|number (IntOrString) are scalars.
    return nonNull.types.every((member) => member.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike)) ? '' : '*';
  }
  if (nonNull.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike)) return '';
  if (checker.isArrayType(nonNull)) {
    const [item] = checker.getTypeArguments(nonNull as ts.TypeReference);
    const inner = item ? refOf(item) : '*';
    return inner === '' || inner === '*' ? inner : `[]${inner}`;
  }
  const properties = checker.getPropertiesOfType(nonNull);
  const index = checker.getIndexInfosOfType(nonNull)[0];
  if (properties.length === 0) {
    if (index) {
      const inner = refOf(index.type);
      return inner === '' || inner === '*' ? inner : `{}${inner}`;
    }
    return '*'; // `{}`: RawExtension, JSON and the like hold any value
  }
  const name = typeName(nonNull);
  if (!name) return '*';
  if (!types.has(name)) {
    const fields: Record<string, Ref> = {};
    types.set(name, fields);
    for (const property of properties) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (!declaration) continue;
      fields[property.getName()] = refOf(checker.getTypeOfSymbolAtLocation(property, declaration));
    }
  }
  return name;
}

const rootRefs: Record<string, string> = {};
for (const root of roots) {
  const source = program.getSourceFile(root.file)!;
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  const exported = checker.getExportsOfModule(moduleSymbol).find((symbol) => symbol.getName() === `I${root.kind}`);
  if (!exported) continue;
  const ref = refOf(checker.getDeclaredTypeOfSymbol(exported));
  rootRefs[`${root.apiVersion} ${root.kind}`] = ref;
}

// Only the types reachable from a root are written; names sorted for a stable file.
const sortedTypes: Record<string, TypeFields> = {};
for (const name of [...types.keys()].sort()) {
  const fields = types.get(name)!;
  sortedTypes[name] = Object.fromEntries(Object.keys(fields).sort().map((field) => [field, fields[field]!]));
}
const output = {
  header: `generated by scripts/gen-core-kind-fields.ts from kubernetes-models ${modelsVersion} typings (Kubernetes OpenAPI); do not edit`,
  roots: Object.fromEntries(Object.keys(rootRefs).sort().map((key) => [key, rootRefs[key]!])),
  types: sortedTypes,
};
mkdirSync(join(repo, 'schemas', 'core-kinds'), { recursive: true });
writeFileSync(join(repo, 'schemas', 'core-kinds', 'fields.json'), `${JSON.stringify(output)}\n`);
console.log(`schemas/core-kinds/fields.json: ${Object.keys(rootRefs).length} kinds, ${types.size} types`);
