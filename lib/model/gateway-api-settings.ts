// How a cluster gets its Gateway API CRDs: a cluster setting like any other, so it is inherited
// fleet → environment → cluster with the merge rules of lib/model/merge.ts.
import type { GatewayAPIBundleRef, GatewayAPIChannel } from '../compat/gateway-api.ts';
import type { ValueProblem } from './diagnostics.ts';

export type { GatewayAPIBundleRef, GatewayAPIChannel };

export type GatewayAPIMode = 'managed' | 'external' | 'linkerd-legacy';

/**
 * Where a cluster stands in the ownership migration away from Linkerd 2.18's own copy of the CRDs
 * (docs/reference/gateway-api.md#ownership), in order:
 * - keep-policy: linkerd-crds still owns them; upgrade it with installGatewayAPI left true so the CRDs
 *   carry `helm.sh/resource-policy: keep`;
 * - adopt: apply the upstream bundle server-side, taking the CRDs over;
 * - release: apply linkerd-crds with installGatewayAPI: false; Helm lets go and keeps the CRDs.
 */
export type LegacyMigrationStep = 'keep-policy' | 'adopt' | 'release';
export const LEGACY_MIGRATION_STEPS: readonly LegacyMigrationStep[] = ['keep-policy', 'adopt', 'release'];


/** Where the cluster's Gateway API CRDs come from, which bundle, and what is installed now. */
export interface GatewayAPISettings {
  /**
   * Who installs the bundle:
   * - managed: meshfleet delivers the bundle (the upstream repository at its tag, or a vendored copy);
   * - external: someone else installs it (a cloud provider, an ingress); meshfleet checks against what you state;
   * - linkerd-legacy: Linkerd 2.18 installed it; meshfleet delivers the bundle and walks the ownership migration.
   * @default "managed"
   */
  readonly mode?: GatewayAPIMode;
  /** Bundle version, e.g. "1.2.1". Required for external. @default the version the cluster's Linkerd release recommends */
  readonly version?: string;
  /**
   * Required for external. @default managed: "standard", or "experimental" when the cluster has a TCPRoute
   * or TLSRoute (Linkerd reads them at v1alpha2, which only experimental serves); linkerd-legacy: "experimental"
   * (what Linkerd installed)
   */
  readonly channel?: GatewayAPIChannel;
  /**
   * managed and linkerd-legacy: a folder holding the bundle's CRD files (e.g. a copy of the upstream
   * `config/crd/<channel>`), relative to the fleet file. They are copied into the cluster's output
   * folder `gateway-api/` at synth time, for clusters that cannot reach GitHub.
   * @default none: the output points at the upstream repository
   */
  readonly vendor?: string;
  /**
   * The bundle known to be installed on the cluster now, for upgrade checks (downgrades, a channel
   * switch the safe-upgrades policy denies). @default linkerd-legacy: v1.1.1 experimental; otherwise unknown
   */
  readonly current?: GatewayAPIBundleRef;
  /** linkerd-legacy only: the migration step the cluster is at. @default "keep-policy" */
  readonly migration?: LegacyMigrationStep;
}

const VERSION = '^1\\.[0-9]{1,2}\\.[0-9]{1,2}$';
const versionField = {
  type: 'string',
  pattern: VERSION,
  'x-fix': 'write the bundle version as a quoted string without the "v", e.g. "1.2.1"',
};

export const gatewayAPISettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mode: { enum: ['managed', 'external', 'linkerd-legacy'] },
    version: versionField,
    channel: { enum: ['standard', 'experimental'] },
    vendor: { type: 'string', minLength: 1, 'x-fix': 'give the folder holding the bundle CRD files, relative to the fleet file' },
    current: {
      type: 'object',
      additionalProperties: false,
      required: ['version', 'channel'],
      properties: { version: versionField, channel: { enum: ['standard', 'experimental'] } },
    },
    migration: { enum: [...LEGACY_MIGRATION_STEPS] },
  },
} as const;

/**
 * A vendored bundle that could not be read (resolve records why): reported by
 * lib/check/gateway-api-rules.ts at the vendor setting, thrown by the GatewayApiCrds construct.
 */
export function vendoredBundleProblem(vendored: { readonly problem?: string } | undefined, version: string, channel: GatewayAPIChannel): ValueProblem | undefined {
  if (!vendored?.problem) return undefined;
  return { message: `cannot vendor the Gateway API bundle: ${vendored.problem}`, fix: `point vendor at a copy of the upstream config/crd/${channel} folder of v${version}` };
}
