// JSON Schema pieces of the policy model (types in types-policy.ts). References (clusters, namespaces,
// service accounts, ports, routes) and numbers that depend on each other are checked in
// lib/check/policy-rules.ts, where the whole fleet is known.

import { DNS_LABEL, DNS_NAME } from '../compat/value-patterns.ts';

const LABEL_KEY = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$';
const PORT_NAME = '^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$';

const clusterName = { type: 'string', pattern: DNS_LABEL, 'x-fix': 'name a cluster of spec.clusters' };
const clusterNames = { type: 'array', minItems: 1, uniqueItems: true, items: clusterName, 'x-fix': 'list each cluster once' };
const namespaceName = { type: 'string', pattern: DNS_LABEL, 'x-fix': 'a namespace name is a DNS label, e.g. "shop"' };
const serviceAccountName = { type: 'string', pattern: DNS_NAME, 'x-fix': 'a service account name is a DNS name, e.g. "web"' };
const portName = {
  type: 'string',
  pattern: PORT_NAME,
  'x-fix': 'a port name is an IANA service name: lowercase letters, digits and \'-\', at most 15 characters (e.g. "http")',
};
const portNumber = { type: 'integer', minimum: 1, maximum: 65535, 'x-fix': 'use a port number 1-65535' };
const requestsPerSecond = { type: 'integer', minimum: 1, 'x-fix': 'give requests per second as a whole number of at least 1' };
const except = { type: 'array', minItems: 1, items: { type: 'string', 'x-fix': 'use CIDR notation such as "10.0.3.0/24"' } };
const cidr = { type: 'string', 'x-fix': 'use CIDR notation such as "10.0.0.0/8"' };

export const PROXY_PROTOCOLS = ['unknown', 'HTTP/1', 'HTTP/2', 'gRPC', 'opaque', 'TLS'] as const;

/** A caller in an allow list; route-level callers have no `ports` (the route picks the port). */
function callerSchema(withPorts: boolean) {
  const ports = withPorts ? { ports: { type: 'array', minItems: 1, items: portName } } : {};
  const fix = withPorts
    ? 'write a caller as { serviceAccount, namespace?, clusters?, ports? }, { namespace, clusters?, ports? }, { cluster, ports? }, { network, except?, ports? } or { unauthenticated: true, ports? }'
    : 'write a route caller as { serviceAccount, namespace?, clusters? }, { namespace, clusters? }, { cluster }, { network, except? } or { unauthenticated: true }';
  return {
    type: 'object',
    'x-fix': fix,
    anyOf: [
      {
        additionalProperties: false,
        required: ['serviceAccount'],
        properties: { serviceAccount: serviceAccountName, namespace: namespaceName, clusters: clusterNames, ...ports },
      },
      { additionalProperties: false, required: ['namespace'], properties: { namespace: namespaceName, clusters: clusterNames, ...ports } },
      { additionalProperties: false, required: ['cluster'], properties: { cluster: clusterName, ...ports } },
      { additionalProperties: false, required: ['network'], properties: { network: cidr, except, ...ports } },
      { additionalProperties: false, required: ['unauthenticated'], properties: { unauthenticated: { const: true }, ...ports } },
    ],
  };
}

const rateLimitSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  'x-fix': 'set total, identity or overrides (requests per second)',
  properties: {
    total: requestsPerSecond,
    identity: requestsPerSecond,
    overrides: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['requestsPerSecond', 'clients'],
        properties: {
          requestsPerSecond,
          clients: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['serviceAccount'],
              properties: { serviceAccount: serviceAccountName, namespace: namespaceName },
            },
          },
        },
      },
    },
  },
} as const;

/** The schema of spec.namespaces and spec.policy; `inboundPolicies` are the Linkerd policy names. */
export function policySchemas(inboundPolicies: readonly string[]) {
  const namespaces = {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: namespaceName,
        clusters: clusterNames,
        manage: { type: 'boolean' },
        inject: { enum: ['enabled', 'disabled'] },
        defaultInboundPolicy: { enum: [...inboundPolicies] },
        serviceAccounts: { type: 'array', items: serviceAccountName },
      },
    },
  };
  const service = {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'namespace', 'clusters', 'ports'],
    properties: {
      name: { type: 'string', pattern: DNS_LABEL, 'x-fix': 'a service name is a DNS label, e.g. "orders"' },
      namespace: namespaceName,
      clusters: clusterNames,
      podSelector: {
        type: 'object',
        minProperties: 1,
        propertyNames: { pattern: LABEL_KEY },
        additionalProperties: { type: 'string', pattern: LABEL_VALUE },
        'x-fix': 'give the labels of the service\'s pods, e.g. { app: orders } (an empty selector would select every pod of the namespace)',
      },
      serviceAccount: serviceAccountName,
      ports: {
        type: 'array',
        minItems: 1,
        'x-fix': 'list the ports the service\'s pods serve',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'port'],
          properties: {
            name: portName,
            port: portNumber,
            targetPort: { anyOf: [portNumber, portName], 'x-fix': 'give the pods\' port as a number or a container port name' },
            protocol: { enum: [...PROXY_PROTOCOLS] },
            rateLimit: rateLimitSchema,
          },
        },
      },
      allow: { type: 'array', items: callerSchema(true) },
      accessPolicy: { enum: [...inboundPolicies] },
      routes: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'name', 'allow'],
          properties: {
            kind: { enum: ['HTTPRoute', 'GRPCRoute'] },
            group: { enum: ['gateway.networking.k8s.io', 'policy.linkerd.io'] },
            name: { type: 'string', pattern: DNS_NAME, 'x-fix': 'a route name is a DNS name' },
            namespace: namespaceName,
            allow: { type: 'array', minItems: 1, items: callerSchema(false) },
          },
        },
      },
    },
  };
  const egress = {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'trafficPolicy'],
    properties: {
      name: { type: 'string', pattern: DNS_LABEL, 'x-fix': 'an egress network name is a DNS label' },
      namespace: namespaceName,
      clusters: clusterNames,
      trafficPolicy: { enum: ['Allow', 'Deny'] },
      networks: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', additionalProperties: false, required: ['cidr'], properties: { cidr, except } },
      },
    },
  };
  const policy = {
    type: 'object',
    additionalProperties: false,
    properties: { services: { type: 'array', items: service }, egress: { type: 'array', items: egress } },
  };
  return { namespaces, policy };
}
