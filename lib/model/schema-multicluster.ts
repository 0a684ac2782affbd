// JSON Schema pieces of the multicluster model (types in types-multicluster.ts).

import { ANNOTATION_VALUE, CIDR, DNS_LABEL, DURATION, QUALIFIED_NAME, URL_PATH } from '../compat/value-patterns.ts';

const clusterName = { type: 'string', pattern: DNS_LABEL, 'x-fix': 'name a cluster of spec.clusters' };
const clusterNames = { type: 'array', minItems: 1, items: clusterName };
const mode = { enum: ['gateway', 'flat'], 'x-fix': 'use gateway (clusters on different networks) or flat (pod-to-pod on one network)' };
const store = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 }, kind: { enum: ['SecretStore', 'ClusterSecretStore'] } },
};

export const linkSchema = {
  type: 'object',
  'x-fix': 'write a link as { from, to, mode }, { mesh: [clusters], mode } or { hub, spokes: [clusters], mode }',
  anyOf: [
    {
      additionalProperties: false,
      required: ['from', 'to', 'mode'],
      properties: { from: { anyOf: [clusterName, clusterNames] }, to: { anyOf: [clusterName, clusterNames] }, mode },
    },
    {
      additionalProperties: false,
      required: ['mesh', 'mode'],
      properties: { mesh: { ...clusterNames, minItems: 2 }, mode },
    },
    {
      additionalProperties: false,
      required: ['hub', 'spokes', 'mode'],
      properties: { hub: clusterName, spokes: clusterNames, mode, direction: { enum: ['to-hub', 'from-hub', 'both'] } },
    },
  ],
} as const;

export const federatedServiceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'namespace', 'clusters'],
  properties: {
    name: { type: 'string', pattern: DNS_LABEL, maxLength: 53, 'x-fix': 'use a Service name of at most 53 characters (the mirror adds "-federated")' },
    namespace: { type: 'string', pattern: DNS_LABEL },
    clusters: clusterNames,
  },
} as const;

export const serviceExportSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'namespace', 'cluster', 'export'],
  properties: {
    name: { type: 'string', pattern: DNS_LABEL },
    namespace: { type: 'string', pattern: DNS_LABEL },
    cluster: clusterName,
    export: { enum: ['gateway', 'remote-discovery'] },
    consumers: clusterNames,
  },
} as const;

export const credentialsSchema = {
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  'x-fix': 'set credentials.type to externalSecret, sealedSecret (with sealedKubeconfigs) or external',
  oneOf: [
    {
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { const: 'externalSecret' },
        store,
        remoteKeyPrefix: { type: 'string', minLength: 1 },
        pushSecret: { type: 'boolean' },
        refreshInterval: { type: 'string', pattern: DURATION },
      },
    },
    {
      additionalProperties: false,
      required: ['type', 'sealedKubeconfigs'],
      properties: {
        type: { const: 'sealedSecret' },
        sealedKubeconfigs: {
          type: 'object',
          propertyNames: { pattern: '^[a-z0-9-]+/[a-z0-9-]+$' },
          additionalProperties: { type: 'string', minLength: 1 },
          'x-fix': 'key each sealed kubeconfig by "<source>/<target>"',
        },
      },
    },
    { additionalProperties: false, required: ['type'], properties: { type: { const: 'external' } } },
  ],
} as const;

export const gatewaySettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    address: {
      type: 'string',
      pattern: '^[A-Za-z0-9.:-]+(,[A-Za-z0-9.:-]+)*$',
      'x-fix': 'give the gateway load balancer addresses or hostnames, comma-separated, e.g. "203.0.113.10"',
    },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    serviceType: { enum: ['LoadBalancer', 'NodePort', 'ClusterIP'] },
    replicas: { type: 'integer', minimum: 1 },
    // Written unquoted into the gateway Service by linkerd-multicluster (templates/gateway.yaml).
    loadBalancerClass: { type: 'string', pattern: QUALIFIED_NAME, 'x-fix': 'give a load balancer class name such as "service.k8s.aws/nlb" (a qualified name: letters, digits, "-", "_", "." with an optional DNS prefix)' },
    loadBalancerSourceRanges: { type: 'array', items: { type: 'string', pattern: CIDR, 'x-fix': 'list CIDRs such as "203.0.113.0/24"' } },
    serviceAnnotations: {
      type: 'object',
      propertyNames: { pattern: QUALIFIED_NAME },
      additionalProperties: { type: 'string', pattern: ANNOTATION_VALUE },
      'x-fix': 'annotation keys are qualified names ("example.com/name"); values are strings without control characters or template syntax ({{ }})',
    },
    probe: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: { type: 'string', pattern: URL_PATH, 'x-fix': 'give an HTTP path such as "/ready" (letters, digits, "-._~/%")' },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        seconds: { type: 'integer', minimum: 1 },
      },
    },
  },
} as const;

export const multiclusterSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    controllerReplicas: { type: 'integer', minimum: 1 },
    logLevel: { enum: ['error', 'warn', 'info', 'debug', 'trace'] },
    logFormat: { enum: ['plain', 'json'] },
    values: { type: 'object' },
  },
} as const;
