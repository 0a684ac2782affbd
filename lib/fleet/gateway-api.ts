import type { GatewayAPIBundleRef, GatewayAPIChannel, GatewayAPISettings, LegacyMigrationStep } from '../model/gateway-api-settings.ts';
import { DefinitionError } from './source-location.ts';

export interface ManagedGatewayApiProps {
  /** @default the version the cluster's Linkerd recommends */
  readonly version?: string;
  /** @default standard, or experimental when the cluster has TCPRoute or TLSRoute routes */
  readonly channel?: GatewayAPIChannel;
  /** Folder with the bundle's CRD files, copied into the output (air-gapped clusters). @default the upstream repository */
  readonly vendor?: string;
  /** The bundle installed now, for upgrade checks. @default unknown */
  readonly current?: GatewayAPIBundleRef;
}

export interface LegacyGatewayApiProps extends ManagedGatewayApiProps {
  /** The migration step the cluster is at. @default "keep-policy" */
  readonly migration?: LegacyMigrationStep;
}

const VERSION = /^1\.[0-9]{1,2}\.[0-9]{1,2}$/;

function checked(settings: GatewayAPISettings): GatewayAPISettings {
  for (const version of [settings.version, settings.current?.version]) {
    if (version !== undefined && !VERSION.test(version)) {
      throw new DefinitionError(`Gateway API version ${JSON.stringify(version)} is not a bundle version. Fix: write it without the "v", e.g. "1.2.1"`);
    }
  }
  // Leave unset fields out, as a fleet file would.
  return JSON.parse(JSON.stringify(settings)) as GatewayAPISettings;
}

/** How a cluster gets its Gateway API CRDs (the `gatewayAPI` setting of defaults, environments and clusters). */
export class GatewayApi {
  /** meshfleet delivers the bundle: the upstream repository at its tag, or a vendored copy. */
  static managed(props: ManagedGatewayApiProps = {}): GatewayApi {
    return new GatewayApi(checked({ mode: 'managed', ...props }));
  }

  /** Someone else installs the bundle; meshfleet checks routes and versions against what you state. */
  static external(installed: GatewayAPIBundleRef): GatewayApi {
    return new GatewayApi(checked({ mode: 'external', version: installed.version, channel: installed.channel }));
  }

  /** Linkerd 2.18 installed the CRDs itself; meshfleet walks the cluster through taking them over. */
  static linkerdLegacy(props: LegacyGatewayApiProps = {}): GatewayApi {
    return new GatewayApi(checked({ mode: 'linkerd-legacy', ...props }));
  }

  /**
   * Only these fields, over the setting of the layer below (fleet defaults, then the environment): e.g.
   * another bundle version for one environment, or the bundle a cluster runs today.
   */
  static override(props: LegacyGatewayApiProps): GatewayApi {
    return new GatewayApi(checked({ ...props }));
  }

  /** The fleet document's `gatewayAPI` setting. */
  private constructor(readonly settings: GatewayAPISettings) {}
}
