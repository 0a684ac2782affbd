// JSON Schema of the delivery part of the fleet document (lib/model/delivery.ts), merged into
// schema.ts. Rules that span fields or environments live in lib/check/delivery-rules.ts.

import { DNS_LABEL, DNS_NAME } from '../compat/value-patterns.ts';

// Flux intervals: units a reconcile loop can use (no ns or µs).
const DURATION = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';

const gitRef = (what: string) => ({ type: 'string', minLength: 1, pattern: '^[^\\s]+$', 'x-fix': `give the ${what} without spaces` });

const repo = {
  type: 'object',
  additionalProperties: false,
  properties: {
    url: {
      type: 'string',
      pattern: '^(https?://|ssh://|git@)[^\\s]+$',
      'x-fix': 'give the Git repository as https://host/org/repo.git or ssh://git@host/org/repo.git',
    },
    branch: gitRef('branch'),
    tag: gitRef('tag'),
    commit: { type: 'string', pattern: '^[0-9a-f]{7,40}$', 'x-fix': 'give the commit as a hexadecimal SHA (7 to 40 characters)' },
    path: {
      type: 'string',
      pattern: '^$|^(?!/)(?!(.*/)?\\.\\.(/|$))\\S*[^/\\s]$',
      'x-fix': 'give the folder of charts-out/ relative to the repository root, without a leading or trailing "/" or "..", e.g. "deploy/charts-out" ("" for the root)',
    },
    secretRef: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string', pattern: DNS_NAME, 'x-fix': 'name the Secret (in the Flux namespace) that holds the repository credentials, e.g. "mesh-repo-auth"' } },
      'x-fix': 'give the credentials by reference only: secretRef: { name: <Secret in the Flux namespace> }',
    },
  },
};

const settingsProperties = {
  engine: { enum: ['argocd', 'flux', 'none'] },
  repo,
  helmRepository: {
    type: 'string',
    pattern: '^(https?|oci)://[^\\s]+[^/\\s]$',
    'x-fix': 'give the Helm repository of the Linkerd charts as an https:// or oci:// URL without a trailing "/", e.g. "https://helm.linkerd.io/edge"',
  },
  chartMajor: { type: 'integer', minimum: 0, maximum: 9999, 'x-fix': 'give the mesh chart major version as a whole number, e.g. 1' },
  mesh: {
    type: 'object',
    additionalProperties: false,
    properties: {
      source: { enum: ['manifests', 'chart', 'chart-repository'] },
      chartRepository: {
        type: 'string',
        pattern: '^(https?|oci)://[^\\s]+[^/\\s]$',
        'x-fix': 'give the chart repository of the packaged mesh charts as an https:// or oci:// URL without a trailing "/", e.g. "oci://registry.example.com/mesh"',
      },
    },
  },
  argocd: {
    type: 'object',
    additionalProperties: false,
    properties: {
      project: { type: 'string', pattern: DNS_LABEL, 'x-fix': 'name an Argo CD AppProject (a DNS label), e.g. "default"' },
      generator: { enum: ['app-of-apps', 'list', 'clusters'] },
      destination: { enum: ['name', 'server'], 'x-fix': 'use name (destination.name: the cluster as registered in Argo CD) or server (destination.server: its API server URL)' },
    },
  },
  flux: {
    type: 'object',
    additionalProperties: false,
    properties: {
      interval: { type: 'string', pattern: DURATION, 'x-fix': 'use a Go duration such as "10m"' },
      remoteClusters: { type: 'boolean' },
    },
  },
} as const;

/** spec.environments.<env>.delivery */
export const environmentDeliverySchema = { type: 'object', additionalProperties: false, properties: settingsProperties } as const;

/** spec.delivery */
export const fleetDeliverySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...settingsProperties,
    rollout: {
      type: 'array',
      items: { type: 'string', pattern: DNS_LABEL, 'x-fix': 'name environments declared under spec.environments' },
      'x-fix': 'list environment names in rollout order, e.g. [dev, staging, prod]',
    },
    namespaces: {
      type: 'object',
      additionalProperties: false,
      properties: {
        argocd: { type: 'string', pattern: DNS_LABEL, 'x-fix': 'name the namespace Argo CD runs in, e.g. "argocd"' },
        flux: { type: 'string', pattern: DNS_LABEL, 'x-fix': 'name the namespace Flux runs in, e.g. "flux-system"' },
      },
    },
  },
} as const;

/** spec.clusters[].delivery */
export const clusterDeliverySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    argocd: {
      type: 'object',
      additionalProperties: false,
      properties: {
        server: { type: 'string', pattern: '^https://[^\\s]+$', 'x-fix': 'give the API server URL exactly as registered in Argo CD, e.g. "https://eu-1.example.com:6443"' },
        name: { type: 'string', minLength: 1, 'x-fix': 'give the cluster name as registered in Argo CD' },
        project: { type: 'string', pattern: DNS_LABEL, 'x-fix': 'name an Argo CD AppProject (a DNS label)' },
      },
    },
    flux: {
      type: 'object',
      additionalProperties: false,
      properties: {
        kubeConfigSecret: { type: 'string', pattern: DNS_LABEL, 'x-fix': 'name the Secret (in the Flux namespace) holding the cluster\'s kubeconfig' },
        kubeConfigKey: { type: 'string', pattern: '^[-._a-zA-Z0-9]+$', 'x-fix': 'name the key of the kubeconfig in that Secret, e.g. "value"' },
      },
    },
  },
} as const;
