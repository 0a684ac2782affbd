// A cluster's Gateway API dependency, resolved: mode, bundle version and channel with their defaults,
// and where GitOps gets the bundle from. Compatibility is judged later (lib/check/gateway-api-rules.ts);
// only what leaves nothing to resolve is reported here.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { GATEWAY_API_REPOSITORY, LINKERD_LEGACY_BUNDLE, linkerdGatewayAPI, upstreamSourcePath } from '../compat/gateway-api.ts';
import type { LinkerdRelease } from '../compat/linkerd-releases.ts';
import { error, type Diagnostic } from '../model/diagnostics.ts';
import { INPUT_LIMITS, noteInput, readRegularFile } from '../model/file-access.ts';
import type {
  GatewayAPIBundleRef,
  GatewayAPIChannel,
  GatewayAPIMode,
  GatewayAPISettings,
  LegacyMigrationStep,
} from '../model/gateway-api-settings.ts';
import type { RouteKind } from '../model/routes.ts';

export type GatewayAPISource =
  | {
      readonly kind: 'upstream';
      readonly repoURL: typeof GATEWAY_API_REPOSITORY;
      /** The upstream tag, "v1.2.1". */
      readonly ref: string;
      readonly path: 'config/crd/standard' | 'config/crd/experimental';
    }
  | {
      readonly kind: 'vendored';
      /** Folder in the output, relative to it: "<env>/<cluster>/gateway-api". */
      readonly path: string;
    };

export interface VendoredFile {
  readonly name: string;
  readonly content: string;
  /** `kind` of the file's first document. */
  readonly kind: string;
  /** The `gateway.networking.k8s.io/bundle-version` and `/channel` annotations, where present. */
  readonly bundleVersion?: string;
  readonly channel?: string;
}

/** A bundle folder read at synth time; shared by every cluster that names the same folder. */
export interface VendoredBundle {
  /** Absolute path of the folder. */
  readonly folder: string;
  readonly files: readonly VendoredFile[];
  /** Why the folder cannot be used, if it cannot. */
  readonly problem?: string;
}

export interface ResolvedGatewayAPI {
  readonly mode: GatewayAPIMode;
  /** Bundle version without the "v": "1.2.1". */
  readonly version: string;
  readonly channel: GatewayAPIChannel;
  /** Where GitOps gets the bundle (managed and linkerd-legacy); external clusters have none. */
  readonly source?: GatewayAPISource;
  /** The bundle known to be installed now (linkerd-legacy: Linkerd 2.18's copy unless stated). */
  readonly current?: GatewayAPIBundleRef;
  /** linkerd-legacy only: the migration step the cluster is at. */
  readonly migration?: LegacyMigrationStep;
  /** The vendored bundle's files (source kind "vendored"). */
  readonly vendored?: VendoredBundle;
}

/** A vendored bundle's folder in a cluster's output, beside mesh/ and manifests/. */
export const GATEWAY_API_FOLDER = 'gateway-api';

/** Route kinds Linkerd reads only at v1alpha2, which only the experimental channel serves. */
const EXPERIMENTAL_ROUTE_KINDS: ReadonlySet<RouteKind> = new Set(['TCPRoute', 'TLSRoute']);

export interface GatewayAPIInput {
  readonly settings: GatewayAPISettings | undefined;
  readonly release: LinkerdRelease;
  readonly cluster: { readonly name: string; readonly environment: string };
  /** Kinds of the routes the cluster gets. */
  readonly routeKinds: ReadonlySet<RouteKind>;
  readonly baseDir: string;
  /** JSON pointer of the layer that set a settings path ("/gatewayAPI/mode"). */
  readonly origin: (settingPath: string) => string;
  /** Vendored folders already read in this run. */
  readonly vendorCache: Map<string, VendoredBundle>;
}

export function resolveGatewayAPI(input: GatewayAPIInput): { gatewayAPI?: ResolvedGatewayAPI; diagnostics: Diagnostic[] } {
  const settings = input.settings ?? {};
  const mode = settings.mode ?? 'managed';
  if (mode === 'external') {
    if (settings.version === undefined || settings.channel === undefined) {
      return {
        diagnostics: [
          error('MF2001', input.origin('/gatewayAPI/mode'), `cluster ${input.cluster.name} has external Gateway API CRDs but does not say which bundle is installed`, 'state the installed bundle: gatewayAPI: { mode: external, version: "1.2.1", channel: standard } (kubectl get crd httproutes.gateway.networking.k8s.io -o yaml shows both annotations)'),
        ],
      };
    }
    return { gatewayAPI: { mode, version: settings.version, channel: settings.channel }, diagnostics: [] };
  }

  const legacy = mode === 'linkerd-legacy';
  const usesExperimentalKinds = [...input.routeKinds].some((kind) => EXPERIMENTAL_ROUTE_KINDS.has(kind));
  const version = settings.version ?? linkerdGatewayAPI(input.release).bundles.recommended;
  const channel = settings.channel ?? (legacy || usesExperimentalKinds ? 'experimental' : 'standard');
  const vendored = settings.vendor === undefined ? undefined : readVendoredBundle(resolveFrom(input.baseDir, settings.vendor), input.vendorCache);
  const source: GatewayAPISource = vendored
    ? { kind: 'vendored', path: `${input.cluster.environment}/${input.cluster.name}/${GATEWAY_API_FOLDER}` }
    : { kind: 'upstream', repoURL: GATEWAY_API_REPOSITORY, ref: `v${version}`, path: upstreamSourcePath(channel) };
  const current = settings.current ?? (legacy ? LINKERD_LEGACY_BUNDLE : undefined);
  return {
    gatewayAPI: {
      mode,
      version,
      channel,
      source,
      ...(current ? { current } : {}),
      ...(legacy ? { migration: settings.migration ?? 'keep-policy' } : {}),
      ...(vendored ? { vendored } : {}),
    },
    diagnostics: [],
  };
}

function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

const KIND = /^kind:\s*(\S+)\s*$/m;
const BUNDLE_VERSION = /gateway\.networking\.k8s\.io\/bundle-version:\s*["']?v?([^\s"']+)/;
const CHANNEL = /gateway\.networking\.k8s\.io\/channel:\s*["']?([^\s"']+)/;

/** The bundle's manifests in a folder: every YAML file but a kustomization, in name order. */
export function readVendoredBundle(folder: string, cache: Map<string, VendoredBundle>): VendoredBundle {
  const cached = cache.get(folder);
  if (cached) return cached;
  let bundle: VendoredBundle;
  // The folder, not only its files: a file added to it changes the bundle.
  noteInput(folder);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    bundle = { folder, files: [], problem: `${folder} is not a folder` };
  } else {
    const files: VendoredFile[] = [];
    let problem: string | undefined;
    for (const name of readdirSync(folder).filter((n) => /\.ya?ml$/.test(n) && !/^kustomization\.ya?ml$/.test(n)).sort()) {
      // Regular files of bounded size only: a FIFO or /dev/zero under a .yaml name must not hang synth.
      const read = readRegularFile(join(folder, name), { limit: INPUT_LIMITS.vendoredFile, what: 'vendored bundle file', input: true });
      if (!('text' in read)) {
        problem = `${read.problem} (${read.fix})`;
        break;
      }
      const content = read.text;
      // Annotations sit at the top of each file; reading them needs no parse of a 300 KB CRD.
      const head = content.slice(0, 4096);
      const bundleVersion = BUNDLE_VERSION.exec(head)?.[1];
      const channel = CHANNEL.exec(head)?.[1];
      files.push({ name, content, kind: KIND.exec(content)?.[1] ?? '', ...(bundleVersion ? { bundleVersion } : {}), ...(channel ? { channel } : {}) });
    }
    const crds = files.filter((f) => f.kind === 'CustomResourceDefinition');
    bundle = problem ? { folder, files: [], problem } : crds.length ? { folder, files } : { folder, files, problem: `${folder} holds no CustomResourceDefinition files` };
  }
  cache.set(folder, bundle);
  return bundle;
}
