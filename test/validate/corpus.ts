// Reads the validation corpus (test/validate/corpus/{valid,invalid}/*.yaml). Each file is one case:
// realistic manifests, preceded by comment lines that say what to validate them against and, for an
// invalid case, why the API server refuses it:
//
//   # gateway-api: v1.2.1/standard v1.5.1/experimental    bundles to validate against (one run each)
//   # linkerd: 2.18 2.20                                   or Linkerd releases (for Link)
//   # expect: /spec/rules/0 RequestRedirect filter must not be used together with backendRefs
//
// `expect` is the JSON pointer of the issue, then text its message must contain.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { GatewayAPIChannel, KubeObject, LinkerdSchemaVersion, SchemaSources } from '../../lib/validate/index.ts';

export const CORPUS_DIR = new URL('./corpus/', import.meta.url).pathname;

export interface CorpusCase {
  /** e.g. `invalid/httproute-redirect-with-backendrefs.yaml` */
  readonly name: string;
  readonly valid: boolean;
  /** One entry per bundle or release the case is validated against. */
  readonly sources: readonly { readonly label: string; readonly sources: SchemaSources }[];
  readonly objects: readonly KubeObject[];
  readonly expect?: { readonly path: string; readonly message: string };
}

export function corpusCases(): CorpusCase[] {
  return ['valid', 'invalid'].flatMap((folder) =>
    readdirSync(join(CORPUS_DIR, folder))
      .filter((file) => file.endsWith('.yaml'))
      .sort()
      .map((file) => readCase(`${folder}/${file}`)),
  );
}

function readCase(name: string): CorpusCase {
  const text = readFileSync(join(CORPUS_DIR, name), 'utf8');
  const header = (key: string) => text.match(new RegExp(`^# ${key}: (.*)$`, 'm'))?.[1]?.trim();
  const sources = [
    ...(header('gateway-api')?.split(/\s+/) ?? []).map((bundle) => {
      const [version, channel] = bundle.split('/') as [string, GatewayAPIChannel];
      return { label: `Gateway API ${bundle}`, sources: { gatewayAPI: { version, channel } } };
    }),
    ...(header('linkerd')?.split(/\s+/) ?? []).map((release) => ({ label: `Linkerd ${release}`, sources: { linkerd: release as LinkerdSchemaVersion } })),
  ];
  if (sources.length === 0) throw new Error(`${name}: no "# gateway-api:" or "# linkerd:" line`);
  const expectLine = header('expect');
  const valid = name.startsWith('valid/');
  if (valid === (expectLine !== undefined)) throw new Error(`${name}: ${valid ? 'a valid case has' : 'an invalid case needs'} an "# expect:" line`);
  const [path, ...words] = expectLine?.split(' ') ?? [];
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) throw new Error(`${name}: no documents`);
  for (const document of documents) if (document.errors.length > 0) throw new Error(`${name}: ${document.errors[0]!.message}`);
  return {
    name,
    valid,
    sources,
    objects: documents.map((document) => document.toJS() as KubeObject),
    ...(expectLine !== undefined ? { expect: { path: path === '""' ? '' : path!, message: words.join(' ') } } : {}),
  };
}
