// JSON Schema (draft 2020-12 subset understood by ajv) of the fleet document. It is the contract of
// the YAML front door; the TypeScript API is checked against the same schema so both fail alike.
// `x-fix` is our own annotation: the hint printed when a value fails at that place.
// `npm run gen:schemas` also writes it to schemas/fleet.schema.json for editors.
import { ACCESS_POLICIES } from '../compat/access-policies.ts';
import { clusterDeliverySchema, environmentDeliverySchema, fleetDeliverySchema } from './delivery-schema.ts';

import {
  credentialsSchema,
  federatedServiceSchema,
  gatewaySettingsSchema,
  linkSchema,
  multiclusterSettingsSchema,
  serviceExportSchema,
} from './schema-multicluster.ts';
import { policySchemas } from './schema-policy.ts';
import { CRON, DNS_LABEL, DNS_NAME, DURATION, dnsLabel, LOG_LEVEL, QUANTITY } from '../compat/value-patterns.ts';
import { gatewayAPISettingsSchema } from './gateway-api-settings.ts';
import { routesSchema, servicesSchema } from './routes-schema.ts';
import { TRUST_ROTATION_STAGES } from './types.ts';

const quantities = {
  type: 'object',
  additionalProperties: false,
  properties: {
    request: { type: 'string', pattern: QUANTITY, 'x-fix': 'use a Kubernetes quantity such as "100m", "20Mi" or "1Gi"' },
    limit: { type: 'string', pattern: QUANTITY, 'x-fix': 'use a Kubernetes quantity such as "100m", "20Mi" or "1Gi"' },
  },
};


const clusterSettingsProperties = {
  linkerd: {
    type: 'string',
    'x-fix': 'write the Linkerd version as a string: "2.18", "2.19", "2.20" or an edge tag like "edge-26.8.3"',
  },
  kubernetes: {
    type: 'string',
    pattern: '^1\\.[0-9]{1,2}$',
    'x-fix': 'write the Kubernetes minor version as a quoted string, e.g. "1.33"',
  },
  clusterDomain: { type: 'string', pattern: DNS_NAME, 'x-fix': 'use a DNS name such as "cluster.local"' },
  ha: { type: 'boolean' },
  cni: { type: 'boolean' },
  proxy: {
    type: 'object',
    additionalProperties: false,
    properties: {
      logLevel: {
        type: 'string',
        pattern: LOG_LEVEL,
        'x-fix': 'use a level (trace, debug, info, warn, error, off) or a list like "warn,linkerd=info"',
      },
      logFormat: { enum: ['plain', 'json'] },
      nativeSidecar: { type: 'boolean' },
      opaquePorts: {
        type: 'array',
        items: {
          anyOf: [
            { type: 'integer', minimum: 1, maximum: 65535 },
            { type: 'string', pattern: '^[0-9]{1,5}(-[0-9]{1,5})?$' },
          ],
          'x-fix': 'list ports as numbers 1-65535 or ranges like "4000-4010"',
        },
      },
      defaultInboundPolicy: { enum: [...ACCESS_POLICIES] },
      resources: {
        type: 'object',
        additionalProperties: false,
        properties: { cpu: quantities, memory: quantities, ephemeralStorage: quantities },
      },
    },
  },
  controlPlane: {
    type: 'object',
    additionalProperties: false,
    properties: {
      values: { type: 'object' },
      heartbeatSchedule: { type: 'string', pattern: CRON, 'x-fix': 'use a five-field cron schedule with valid ranges (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7) such as "17 3 * * *"' },
      disableHeartbeat: { type: 'boolean' },
    },
  },
  gateway: gatewaySettingsSchema,
  multicluster: multiclusterSettingsSchema,
  gatewayAPI: gatewayAPISettingsSchema,
} as const;

const policy = policySchemas(ACCESS_POLICIES);

const clusterSettings = {
  type: 'object',
  additionalProperties: false,
  properties: clusterSettingsProperties,
};

export const fleetSchema = {
  $id: 'https://meshfleet.dev/schemas/fleet.schema.json',
  title: 'meshfleet Fleet',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'meshfleet.dev/v1alpha1', 'x-fix': 'set apiVersion: meshfleet.dev/v1alpha1' },
    kind: { const: 'Fleet', 'x-fix': 'set kind: Fleet' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: dnsLabel('the fleet name') },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['trust', 'clusters'],
      properties: {
        trust: {
          type: 'object',
          additionalProperties: false,
          required: ['anchor'],
          properties: {
            anchor: {
              type: 'object',
              additionalProperties: false,
              minProperties: 1,
              maxProperties: 1,
              properties: {
                pem: { type: 'string', minLength: 1 },
                file: { type: 'string', minLength: 1 },
              },
              'x-fix': 'give the trust anchor as exactly one of { pem: <PEM bundle> } or { file: <path to a .crt> }',
            },
            domain: { type: 'string', pattern: DNS_NAME, 'x-fix': 'use a DNS name such as "cluster.local"' },
            issuer: {
              type: 'object',
              required: ['type'],
              discriminator: { propertyName: 'type' },
              oneOf: [
                {
                  additionalProperties: false,
                  required: ['type', 'store', 'remoteKey'],
                  properties: {
                    type: { const: 'externalSecret' },
                    store: {
                      type: 'object',
                      additionalProperties: false,
                      required: ['name'],
                      properties: {
                        name: { type: 'string', pattern: DNS_NAME },
                        kind: { enum: ['SecretStore', 'ClusterSecretStore'] },
                      },
                    },
                    remoteKey: { type: 'string', minLength: 1 },
                    certificateProperty: { type: 'string', minLength: 1 },
                    keyProperty: { type: 'string', minLength: 1 },
                    refreshInterval: { type: 'string', pattern: DURATION },
                  },
                },
                {
                  additionalProperties: false,
                  required: ['type', 'name'],
                  properties: { type: { const: 'secret' }, name: { type: 'string', pattern: DNS_NAME } },
                },
                {
                  additionalProperties: false,
                  required: ['type', 'name'],
                  properties: { type: { const: 'clusterIssuer' }, name: { type: 'string', pattern: DNS_NAME } },
                },
              ],
              'x-fix': 'set issuer.type to externalSecret (with store and remoteKey), secret (with name) or clusterIssuer (with name)',
            },
            rotation: {
              type: 'object',
              additionalProperties: false,
              required: ['stage', 'previous'],
              properties: {
                stage: { enum: [...TRUST_ROTATION_STAGES], 'x-fix': `use one of ${TRUST_ROTATION_STAGES.join(', ')}; to end a rotation, remove trust.rotation` },
                previous: { type: 'string', pattern: '^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$', 'x-fix': 'give the SHA-256 fingerprint of the anchor being retired, as printed by openssl x509 -noout -fingerprint -sha256 (32 hex pairs separated by colons)' },
              },
            },
            identityIssuer: {
              type: 'object',
              additionalProperties: false,
              properties: {
                duration: { type: 'string', pattern: DURATION, 'x-fix': 'use a Go duration such as "48h"' },
                renewBefore: { type: 'string', pattern: DURATION, 'x-fix': 'use a Go duration such as "25h"' },
              },
            },
          },
        },
        upgrades: {
          type: 'object',
          additionalProperties: false,
          properties: { allowDowngrade: { type: 'boolean', 'x-fix': 'set allowDowngrade: true only to move a cluster to an older Linkerd release on purpose' } },
        },
        defaults: clusterSettings,
        environments: {
          type: 'object',
          propertyNames: { pattern: DNS_LABEL },
          'x-fix': 'environment names must be DNS labels such as "dev", "staging" or "prod"',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: {
              ...clusterSettingsProperties,
              clusters: {
                type: 'object',
                propertyNames: { pattern: DNS_LABEL },
                additionalProperties: clusterSettings,
              },
              delivery: environmentDeliverySchema,
            },
          },
        },
        clusters: {
          type: 'array',
          minItems: 1,
          'x-fix': 'declare at least one cluster',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'environment'],
            properties: {
              name: dnsLabel('a cluster name'),
              environment: dnsLabel('an environment name'),
              network: dnsLabel('a network name'),
              podCIDR: { type: 'string', 'x-fix': 'use CIDR notation such as "10.10.0.0/16"' },
              serviceCIDR: { type: 'string', 'x-fix': 'use CIDR notation such as "10.96.0.0/12"' },
              apiServer: {
                type: 'string',
                // Host name or [IPv6], port, path: no template syntax, quotes or spaces (the URL is written into an External Secrets template).
                pattern: '^https://([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?(/[-A-Za-z0-9._~/%]*)?$',
                'x-fix': 'give the API server as an https URL, e.g. "https://eu-1.example.com:6443"',
              },
              delivery: clusterDeliverySchema,
              ...clusterSettingsProperties,
            },
          },
        },
        links: { type: 'array', items: linkSchema },
        federatedServices: { type: 'array', items: federatedServiceSchema },
        exports: { type: 'array', items: serviceExportSchema },
        credentials: credentialsSchema,
        delivery: fleetDeliverySchema,
        namespaces: policy.namespaces,
        policy: policy.policy,
        routes: routesSchema,
        services: servicesSchema,
        acknowledge: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['code'],
            properties: {
              code: { type: 'string', pattern: '^MF[1-9][0-9]{3}$', 'x-fix': 'write a warning code such as "MF7004" (docs/reference/diagnostics.md)' },
              pointer: { type: 'string', pattern: '^(/[^/]*)*$', 'x-fix': 'write a JSON pointer such as "/spec/delivery/rollout/1"' },
              reason: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;
