// JSON Schema pieces for spec.routes, spec.services, spec.links and spec.federatedServices. Shapes and
// simple values only; what needs the whole fleet (links, versions, protocols) is checked in lib/check/.
// Limits follow the oldest Gateway API bundle, so a route that fits here fits every bundle.
import { DNS_LABEL, dnsLabel } from '../compat/value-patterns.ts';

/** Gateway API duration (GEP-2257); Linkerd's timeout annotations accept the same form. */
export const GATEWAY_DURATION = '^([0-9]{1,5}(h|m|s|ms)){1,4}$';
const HEADER_NAME = "^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$";
const PRECISE_HOSTNAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const HOSTNAME = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

const closed = (properties: object) => ({ type: 'object', additionalProperties: false, properties });
const list = (items: object, minItems: number, maxItems: number) => ({ type: 'array', minItems, maxItems, items });

const duration = {
  type: 'string',
  pattern: GATEWAY_DURATION,
  'x-fix': 'use a Gateway API duration: up to four number+unit pairs with units h, m, s or ms, e.g. "10s" or "1m30s"',
};
const port = { type: 'integer', minimum: 1, maximum: 65535, 'x-fix': 'use a port number 1-65535' };
const names = (what: string) => ({ type: 'array', minItems: 1, items: dnsLabel(what) });
const selection = { clusters: names('a cluster name'), environments: names('an environment name') };

const servicePort = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'port'],
  properties: { name: dnsLabel('a service name'), port },
};

const backendRefs = {
  type: 'array',
  minItems: 1,
  maxItems: 16,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: dnsLabel('a backend service name'),
      port,
      weight: { type: 'integer', minimum: 0, maximum: 1000000, 'x-fix': 'use a weight from 0 to 1000000' },
    },
  },
};

const headerName = { type: 'string', pattern: HEADER_NAME, 'x-fix': 'use an HTTP header name' };
/** Up to 16 { name, value } pairs (header values to set, header and query matches). */
const nameValues = (name: object, value: object, extra: object = {}) =>
  list({ type: 'object', additionalProperties: false, required: ['name', 'value'], properties: { ...extra, name, value } }, 0, 16);
const headerValues = nameValues(headerName, { type: 'string', minLength: 1, maxLength: 4096 });
const headerModifier = { ...closed({ set: headerValues, add: headerValues, remove: list(headerName, 0, 16) }), minProperties: 1 };
const valueMatches = nameValues({ ...headerName, maxLength: 256 }, { type: 'string', minLength: 1, maxLength: 4096 }, { type: { enum: ['Exact', 'RegularExpression'] } });

/** Retries: Linkerd's limit and per-attempt timeout, plus the kind's own list of what to retry. */
const retry = (codes: object) =>
  closed({
    limit: { type: 'integer', minimum: 0, 'x-fix': 'give the retry limit as a whole number, e.g. 2' },
    timeout: duration,
    ...codes,
  });
const timeouts = closed({ request: duration, response: duration, idle: duration });
/** HTTP and gRPC routes: up to 16 rules, each with up to 8 matches (the oldest bundle's limits). */
const rules = (match: object, rule: object) => list(closed({ matches: list(closed(match), 0, 8), ...rule, backendRefs }), 1, 16);

const routeBase = {
  name: dnsLabel('a route name'),
  namespace: dnsLabel('a namespace'),
  service: servicePort,
  ...selection,
};
const routeRequired = ['kind', 'name', 'namespace', 'service'];

const redirectPath = {
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    { additionalProperties: false, required: ['type', 'replaceFullPath'], properties: { type: { const: 'ReplaceFullPath' }, replaceFullPath: { type: 'string', maxLength: 1024 } } },
    { additionalProperties: false, required: ['type', 'replacePrefixMatch'], properties: { type: { const: 'ReplacePrefixMatch' }, replacePrefixMatch: { type: 'string', maxLength: 1024 } } },
  ],
  'x-fix': 'give path as { type: ReplaceFullPath, replaceFullPath: "/x" } or { type: ReplacePrefixMatch, replacePrefixMatch: "/x" }',
};

const httpRoute = {
  additionalProperties: false,
  required: [...routeRequired, 'rules'],
  properties: {
    kind: { const: 'HTTPRoute' },
    ...routeBase,
    retry: retry({
      http: list({ anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-fix': 'list statuses as codes (503), ranges ("500-504"), "5xx" or "gateway-error"' }, 1, 64),
    }),
    timeouts,
    rules: rules(
      {
        path: {
          type: 'object',
          additionalProperties: false,
          required: ['value'],
          properties: { type: { enum: ['Exact', 'PathPrefix', 'RegularExpression'] }, value: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
        headers: valueMatches,
        queryParams: valueMatches,
        method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] },
      },
      {
        filters: {
          ...closed({
            requestHeaderModifier: headerModifier,
            responseHeaderModifier: headerModifier,
            requestRedirect: closed({
              scheme: { enum: ['http', 'https'] },
              hostname: { type: 'string', pattern: PRECISE_HOSTNAME, 'x-fix': 'use a DNS hostname without wildcard' },
              port,
              statusCode: { enum: [301, 302] },
              path: redirectPath,
            }),
          }),
          'x-fix': 'Linkerd applies requestHeaderModifier, responseHeaderModifier and requestRedirect on HTTPRoutes',
        },
        timeouts: closed({ request: duration }),
      },
    ),
  },
};

const grpcRoute = {
  additionalProperties: false,
  required: [...routeRequired, 'rules'],
  properties: {
    kind: { const: 'GRPCRoute' },
    ...routeBase,
    retry: retry({ grpc: list({ enum: ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'] }, 1, 5) }),
    timeouts,
    rules: rules(
      {
        method: {
          ...closed({
            // Linkerd refuses RegularExpression method matches (policy-controller k8s/index routes/grpc.rs).
            type: { enum: ['Exact'] },
            service: { type: 'string', minLength: 1, maxLength: 1024 },
            method: { type: 'string', minLength: 1, maxLength: 1024 },
          }),
          minProperties: 1,
        },
        headers: valueMatches,
      },
      {
        filters: {
          ...closed({ requestHeaderModifier: headerModifier, responseHeaderModifier: headerModifier }),
          'x-fix': 'Linkerd applies requestHeaderModifier and responseHeaderModifier on GRPCRoutes',
        },
      },
    ),
  },
};

const tcpRoute = {
  additionalProperties: false,
  required: routeRequired,
  properties: { kind: { const: 'TCPRoute' }, ...routeBase, backendRefs },
};

const tlsRoute = {
  additionalProperties: false,
  required: routeRequired,
  properties: {
    kind: { const: 'TLSRoute' },
    ...routeBase,
    hostnames: { type: 'array', minItems: 1, maxItems: 16, items: { type: 'string', pattern: HOSTNAME, 'x-fix': 'use a DNS hostname, optionally starting with "*."' } },
    backendRefs,
  },
};

export const routesSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['kind'],
    discriminator: { propertyName: 'kind' },
    oneOf: [httpRoute, grpcRoute, tcpRoute, tlsRoute],
    'x-fix': 'set kind to HTTPRoute, GRPCRoute, TCPRoute or TLSRoute',
  },
} as const;

export const servicesSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'namespace', 'ports'],
    properties: {
      name: dnsLabel('a service name'),
      namespace: dnsLabel('a namespace'),
      ...selection,
      selector: { type: 'object', minProperties: 1, additionalProperties: { type: 'string' }, 'x-fix': 'give the selector as label: "value" pairs' },
      ports: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['port'],
          properties: {
            port,
            name: { type: 'string', pattern: DNS_LABEL, maxLength: 15, 'x-fix': 'name ports with a DNS label of at most 15 characters' },
            targetPort: { anyOf: [port, { type: 'string', pattern: DNS_LABEL, maxLength: 15 }], 'x-fix': 'use a port number or a container port name' },
            appProtocol: { type: 'string', minLength: 1 },
          },
        },
      },
    },
  },
} as const;


