// The proxy settings Linkerd reads from a workload's pod template (or a namespace) as annotations,
// docs/reference/labels-and-annotations.md: the same settings as the control plane's proxy.* values, for one workload.
import { ACCESS_POLICIES } from '../../compat/access-policies.ts';
import { LOG_LEVEL, QUANTITY } from '../../compat/value-patterns.ts';
import type { InboundPolicy } from '../../model/types.ts';

export const INJECT_ANNOTATION = 'linkerd.io/inject';
export const DEFAULT_INBOUND_POLICY_ANNOTATION = 'config.linkerd.io/default-inbound-policy';
export const OPAQUE_PORTS_ANNOTATION = 'config.linkerd.io/opaque-ports';

export interface ProxyOverrides {
  readonly cpuRequest?: string;
  readonly cpuLimit?: string;
  readonly memoryRequest?: string;
  readonly memoryLimit?: string;
  readonly ephemeralStorageRequest?: string;
  readonly ephemeralStorageLimit?: string;
  /** e.g. "warn,linkerd=info" */
  readonly logLevel?: string;
  readonly logFormat?: 'plain' | 'json';
  /** The workload's default inbound policy; "audit" reports what would be denied. @default the namespace's, else the cluster's */
  readonly defaultInboundPolicy?: InboundPolicy;
  /**
   * Ports (numbers or "from-to" ranges) the proxy treats as opaque TCP, for clients that reach the pods
   * without a Service's appProtocol (unmeshed, headless, direct). Replaces the default list. @default the cluster's
   */
  readonly opaquePorts?: readonly (number | string)[];
}

const RESOURCE_KEYS = [
  ['cpuRequest', 'proxy-cpu-request'],
  ['cpuLimit', 'proxy-cpu-limit'],
  ['memoryRequest', 'proxy-memory-request'],
  ['memoryLimit', 'proxy-memory-limit'],
  ['ephemeralStorageRequest', 'proxy-ephemeral-storage-request'],
  ['ephemeralStorageLimit', 'proxy-ephemeral-storage-limit'],
] as const;


/** The annotations for these overrides; throws on a value the proxy injector would reject. */
export function proxyAnnotations(overrides: ProxyOverrides, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, annotation] of RESOURCE_KEYS) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!new RegExp(QUANTITY).test(value)) {
      throw new Error(`${where}: proxy ${key} ${JSON.stringify(value)} is not a Kubernetes quantity. Fix: use a quantity such as "100m", "64Mi" or "1Gi"`);
    }
    out[`config.linkerd.io/${annotation}`] = value;
  }
  if (overrides.logLevel !== undefined) {
    if (!new RegExp(LOG_LEVEL).test(overrides.logLevel)) {
      throw new Error(`${where}: proxy logLevel ${JSON.stringify(overrides.logLevel)} is not valid. Fix: use a level (trace, debug, info, warn, error, off) or a list like "warn,linkerd=info"`);
    }
    out['config.linkerd.io/proxy-log-level'] = overrides.logLevel;
  }
  if (overrides.logFormat !== undefined) {
    if (overrides.logFormat !== 'plain' && overrides.logFormat !== 'json') {
      throw new Error(`${where}: proxy logFormat ${JSON.stringify(overrides.logFormat)} is not valid. Fix: use "plain" or "json"`);
    }
    out['config.linkerd.io/proxy-log-format'] = overrides.logFormat;
  }
  if (overrides.defaultInboundPolicy !== undefined) {
    if (!(ACCESS_POLICIES as readonly string[]).includes(overrides.defaultInboundPolicy)) {
      throw new Error(`${where}: defaultInboundPolicy ${JSON.stringify(overrides.defaultInboundPolicy)} is not valid. Fix: use one of ${ACCESS_POLICIES.join(', ')}`);
    }
    out[DEFAULT_INBOUND_POLICY_ANNOTATION] = overrides.defaultInboundPolicy;
  }
  if (overrides.opaquePorts !== undefined) {
    for (const port of overrides.opaquePorts) {
      if (!isPortOrRange(port)) {
        throw new Error(`${where}: opaque port ${JSON.stringify(port)} is not a port or range. Fix: use numbers 1-65535 or ranges like "4000-4010"`);
      }
    }
    out[OPAQUE_PORTS_ANNOTATION] = overrides.opaquePorts.join(',');
  }
  return out;
}

function isPortOrRange(port: number | string): boolean {
  const [from, to = from] = String(port).split('-').map((p) => (/^[0-9]{1,5}$/.test(p) ? Number(p) : NaN));
  return String(port).split('-').length <= 2 && from >= 1 && to <= 65535 && from <= to;
}
