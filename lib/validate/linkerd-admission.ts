// The rules Linkerd's policy admission webhook (the policy controller's validating webhook)
// enforces on top of the CRD schemas. A cluster with Linkerd refuses these objects on create even
// though the CRD schema accepts them, so lint and every synth run check them here.
//
// Source: linkerd2 `policy-controller/runtime/src/admission.rs` (the `Validate<…>` impls),
// `policy-controller/src/validation.rs` (identities), `policy-controller/k8s/index/src/routes/
// {http,grpc}.rs` (route matches and filters), with cases from `policy-test/tests/admit_*.rs`.
// The admission code is the same in every release meshfleet supports (2.18 = edge-25.4.4, 2.19 =
// edge-25.10.7, 2.20 = edge-26.6.3, edge-26.8.3), so RULES_BY_RELEASE maps each to one rule set;
// a release whose webhook differs gets its own list there.
//
// Not checked here, with why: a Server overlapping a Server the cluster already has (only Servers
// in the same batch are compared), route annotations (retry/timeout/failure-accrual parsing), and
// ServiceAccount references inside AuthorizationPolicies resolving to real objects.
import { isIP } from 'node:net';
import type { LinkerdSchemaVersion, SchemaViolation } from './schema-registry.ts';


type Json = Record<string, unknown>;

export interface AdmissionObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: unknown; readonly namespace?: unknown; readonly annotations?: unknown };
  readonly [key: string]: unknown;
}

/** One rule of the webhook: which kind it applies to, where it comes from, and the check. */
export interface AdmissionRule {
  readonly group: string;
  readonly kind: string;
  /** Short name used in tests and the report. */
  readonly id: string;
  /** Upstream place the rule is taken from. */
  readonly source: string;
  readonly check: (spec: Json, object: AdmissionObject, batch: readonly AdmissionObject[]) => SchemaViolation[];
}

const POLICY = 'policy.linkerd.io';
const GATEWAY = 'gateway.networking.k8s.io';
const ADMISSION = 'policy-controller/runtime/src/admission.rs';

// ---------------------------------------------------------------------------------------------
// Reference helpers (`targets_kind` compares group and kind case-insensitively; no group = core)

function refGroup(ref: Json): string {
  const group = typeof ref.group === 'string' ? ref.group.toLowerCase() : '';
  return group === 'core' ? '' : group;
}

function targets(ref: Json, group: string, kind: string): boolean {
  return refGroup(ref) === group && typeof ref.kind === 'string' && ref.kind.toLowerCase() === kind.toLowerCase();
}

function canonicalKind(ref: Json): string {
  const group = refGroup(ref);
  return group ? `${String(ref.kind)}.${group}` : String(ref.kind);
}

function asList(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isJson) : [];
}

function isJson(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function violation(path: string, message: string): SchemaViolation {
  return { path, message: `${message} (Linkerd policy admission webhook)` };
}

// ---------------------------------------------------------------------------------------------
// Networks (NetworkAuthentication, EgressNetwork, ServerAuthorization): `ipnet` parsing and containment

interface IpNet {
  readonly version: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
}

/** A CIDR or a single address (ipnet parses "10.1.1.1" as 10.1.1.1/32), else undefined. */
export function parseIpNet(text: string): IpNet | undefined {
  const slash = text.indexOf('/');
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  const version = isIP(addressText);
  if (version !== 4 && version !== 6) return undefined;
  const bits = version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > bits) return undefined;
  }
  const address = version === 4 ? ipv4ToBigInt(addressText) : ipv6ToBigInt(addressText);
  return { version, address, prefix };
}

function ipv4ToBigInt(text: string): bigint {
  return text.split('.').reduce((sum, part) => (sum << 8n) + BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(text: string): bigint {
  let normalized = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // Embedded IPv4 (::ffff:10.0.0.1) → two 16-bit groups.
    const v4 = ipv4ToBigInt(text.slice(lastColon + 1));
    normalized = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [left = '', right] = normalized.split('::');
  const leftGroups = left.split(':').filter((group) => group !== '');
  const rightGroups = right === undefined ? [] : right.split(':').filter((group) => group !== '');
  const zeros = Array<string>(8 - leftGroups.length - rightGroups.length).fill('0');
  return [...leftGroups, ...zeros, ...rightGroups].reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n);
}

function netContains(outer: IpNet, inner: IpNet): boolean {
  if (outer.version !== inner.version || inner.prefix < outer.prefix) return false;
  const bits = BigInt(outer.version === 4 ? 32 : 128);
  const shift = bits - BigInt(outer.prefix);
  return outer.address >> shift === inner.address >> shift;
}

function networkViolations(networks: Json[], path: string): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  networks.forEach((network, i) => {
    const cidrText = String(network.cidr ?? '');
    const cidr = parseIpNet(cidrText);
    if (!cidr) {
      violations.push(violation(`${path}/${i}/cidr`, `${JSON.stringify(cidrText)} is not an IP network; write a CIDR such as 10.0.0.0/8 or an address`));
      return;
    }
    (Array.isArray(network.except) ? network.except : []).forEach((exceptValue: unknown, j: number) => {
      const where = `${path}/${i}/except/${j}`;
      const except = parseIpNet(String(exceptValue));
      if (!except) {
        violations.push(violation(where, `${JSON.stringify(exceptValue)} is not an IP network; write a CIDR or an address inside ${cidrText}`));
      } else if (netContains(except, cidr)) {
        violations.push(violation(where, `cidr '${cidrText}' is completely negated by exception '${String(exceptValue)}'; remove the network or narrow the exception`));
      } else if (!netContains(cidr, except)) {
        violations.push(violation(where, `cidr '${cidrText}' does not include exception '${String(exceptValue)}'; list only exceptions inside the network`));
      }
    });
  });
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Identities (MeshTLSAuthentication): SPIFFE ID or DNS-like name, `validation::validate_identity`

const DNS_LIKE_IDENTITY = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SPIFFE_TRUST_DOMAIN = /^[a-z0-9\-._]+$/;
const SPIFFE_PATH_SEGMENT = /^[A-Za-z0-9\-._]+$/;

/** Why an identity string is refused, or undefined when Linkerd accepts it. */
export function identityProblem(id: string): string | undefined {
  if (id.startsWith('spiffe://')) {
    const rest = id.slice('spiffe://'.length);
    const slash = rest.indexOf('/');
    const trustDomain = slash >= 0 ? rest.slice(0, slash) : rest;
    if (trustDomain === '') return 'SPIFFE trust domain is missing';
    if (!SPIFFE_TRUST_DOMAIN.test(trustDomain)) return 'SPIFFE trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores';
    if (slash < 0) return undefined;
    const segments = rest.slice(slash + 1).split('/');
    for (const [index, segment] of segments.entries()) {
      if (segment === '') return index === segments.length - 1 ? 'SPIFFE path cannot have a trailing slash' : 'SPIFFE path cannot contain empty segments';
      if (segment === '.' || segment === '..') return 'SPIFFE path cannot contain dot segments';
      if (!SPIFFE_PATH_SEGMENT.test(segment)) return 'SPIFFE path segment characters are limited to letters, numbers, dots, dashes, and underscores';
    }
    return undefined;
  }
  return DNS_LIKE_IDENTITY.test(id) ? undefined : `identity must be a valid SPIFFE id or a DNS SAN, matching ${DNS_LIKE_IDENTITY.source}`;
}

// ---------------------------------------------------------------------------------------------
// HTTP values the proxy parses (`http` crate header names/values, Rust `regex` syntax)

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE_FORBIDDEN = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Rust's regex crate has no look-around and no backreferences. */
const RUST_REGEX_UNSUPPORTED = /\(\?<?[=!]|\\[1-9]/;

function regexProblem(value: unknown): string | undefined {
  const text = String(value ?? '');
  if (RUST_REGEX_UNSUPPORTED.test(text)) return `${JSON.stringify(text)} uses look-around or a backreference, which Linkerd's regex engine does not support`;
  try {
    new RegExp(text, 'u');
  } catch (error) {
    return `${JSON.stringify(text)} is not a valid regular expression: ${(error as Error).message}`;
  }
  return undefined;
}

function headerNameProblem(name: unknown): string | undefined {
  return typeof name === 'string' && HEADER_NAME.test(name) ? undefined : `${JSON.stringify(name)} is not a valid HTTP header name (token characters only)`;
}

function headerValueProblem(value: unknown): string | undefined {
  return typeof value === 'string' && !HEADER_VALUE_FORBIDDEN.test(value) ? undefined : `${JSON.stringify(value)} is not a valid HTTP header value (no control characters)`;
}

function headerMatchViolations(headers: unknown, path: string): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  asList(headers).forEach((header, i) => {
    const nameProblem = headerNameProblem(header.name);
    if (nameProblem) violations.push(violation(`${path}/${i}/name`, `${nameProblem}; use a header name like x-request-id`));
    if (header.type === 'RegularExpression') {
      const problem = regexProblem(header.value);
      if (problem) violations.push(violation(`${path}/${i}/value`, `${problem}; write an RE2/Rust regular expression`));
    } else {
      const problem = headerValueProblem(header.value);
      if (problem) violations.push(violation(`${path}/${i}/value`, `${problem}; remove control characters`));
    }
  });
  return violations;
}

function headerModifierViolations(modifier: unknown, path: string): SchemaViolation[] {
  if (!isJson(modifier)) return [];
  const violations: SchemaViolation[] = [];
  for (const list of ['add', 'set'] as const) {
    asList(modifier[list]).forEach((header, i) => {
      const nameProblem = headerNameProblem(header.name);
      if (nameProblem) violations.push(violation(`${path}/${list}/${i}/name`, `${nameProblem}; use a header name like x-request-id`));
      const valueProblem = headerValueProblem(header.value);
      if (valueProblem) violations.push(violation(`${path}/${list}/${i}/value`, `${valueProblem}; remove control characters`));
    });
  }
  (Array.isArray(modifier.remove) ? modifier.remove : []).forEach((name: unknown, i: number) => {
    const problem = headerNameProblem(name);
    if (problem) violations.push(violation(`${path}/remove/${i}`, `${problem}; use a header name like x-request-id`));
  });
  return violations;
}

/** `routes::http::try_match`: absolute paths, valid regexes and header names. */
function httpMatchViolations(match: Json, path: string): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  if (isJson(match.path)) {
    const type = match.path.type ?? 'PathPrefix';
    const value = match.path.value ?? '/';
    if (type === 'RegularExpression') {
      const problem = regexProblem(value);
      if (problem) violations.push(violation(`${path}/path/value`, `${problem}; write an RE2/Rust regular expression`));
    } else if (typeof value !== 'string' || !value.startsWith('/')) {
      violations.push(violation(`${path}/path/value`, `HttpPathMatch paths must be absolute (begin with \`/\`); ${JSON.stringify(value)} is not an absolute path; start it with "/"`));
    }
  }
  violations.push(...headerMatchViolations(match.headers, `${path}/headers`));
  asList(match.queryParams).forEach((query, i) => {
    if (query.type !== 'RegularExpression') return;
    const problem = regexProblem(query.value);
    if (problem) violations.push(violation(`${path}/queryParams/${i}/value`, `${problem}; write an RE2/Rust regular expression`));
  });
  return violations;
}

/** `routes::http::req_redirect`: redirect paths must be absolute. */
function redirectViolations(redirect: unknown, path: string): SchemaViolation[] {
  if (!isJson(redirect) || !isJson(redirect.path)) return [];
  const violations: SchemaViolation[] = [];
  for (const field of ['replaceFullPath', 'replacePrefixMatch'] as const) {
    const value = redirect.path[field];
    if (value !== undefined && (typeof value !== 'string' || !value.startsWith('/'))) {
      violations.push(violation(`${path}/path/${field}`, `RequestRedirect filters may only contain absolute paths (starting with '/'); ${JSON.stringify(value)} is not an absolute path; start it with "/"`));
    }
  }
  if (redirect.path.replaceFullPath === undefined && redirect.path.replacePrefixMatch === undefined) {
    violations.push(violation(`${path}/path`, 'RequestRedirect filter must contain either replaceFullPath or replacePrefixMatch; set one of them'));
  }
  return violations;
}

/** Every route kind: an EgressNetwork parent must name a port. */
function egressParentPortViolations(spec: Json): SchemaViolation[] {
  return asList(spec.parentRefs).flatMap((parent, i) =>
    targets({ group: parent.group ?? POLICY, kind: parent.kind ?? '' }, POLICY, 'EgressNetwork') && parent.port === undefined
      ? [violation(`/spec/parentRefs/${i}/port`, 'cannot target an EgressNetwork without specifying a port; set parentRefs[].port to the destination port')]
      : [],
  );
}

/** Gateway API HTTPRoute/GRPCRoute: a Service backend must have a non-zero port. */
function serviceBackendPortViolations(spec: Json): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  asList(spec.rules).forEach((rule, r) => {
    asList(rule.backendRefs).forEach((backend, b) => {
      const group = backend.group ?? '';
      const isService = (group === '' || group === 'core') && (backend.kind === undefined || backend.kind === 'Service');
      if (isService && (backend.port === undefined || backend.port === 0)) {
        violations.push(violation(`/spec/rules/${r}/backendRefs/${b}/port`, 'invalid backendRef: cannot reference a Service without a port; set the Service port'));
      }
    });
  });
  return violations;
}

function httpRouteRuleViolations(spec: Json, policyRoute: boolean): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  asList(spec.rules).forEach((rule, r) => {
    const at = `/spec/rules/${r}`;
    asList(rule.matches).forEach((match, m) => violations.push(...httpMatchViolations(match, `${at}/matches/${m}`)));
    asList(rule.filters).forEach((filter, f) => {
      violations.push(...headerModifierViolations(filter.requestHeaderModifier, `${at}/filters/${f}/requestHeaderModifier`));
      violations.push(...headerModifierViolations(filter.responseHeaderModifier, `${at}/filters/${f}/responseHeaderModifier`));
      violations.push(...redirectViolations(filter.requestRedirect, `${at}/filters/${f}/requestRedirect`));
    });
    if (policyRoute && isJson(rule.timeouts)) {
      const request = goDurationMillis(rule.timeouts.request);
      const backend = goDurationMillis(rule.timeouts.backendRequest);
      if (request !== undefined && backend !== undefined && request !== 0 && backend > request) {
        violations.push(violation(`${at}/timeouts/backendRequest`, `backendRequest timeout (${String(rule.timeouts.backendRequest)}) must not be greater than request timeout (${String(rule.timeouts.request)}); lower backendRequest or raise request`));
      }
    }
  });
  return violations;
}

const GO_DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g;
const GO_DURATION_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function goDurationMillis(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$|^0$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(GO_DURATION_PART)) total += Number(amount) * GO_DURATION_UNIT_MS[unit!]!;
  return total;
}

// ---------------------------------------------------------------------------------------------
// The rules, one entry per `Validate<…>` check

const RULES: readonly AdmissionRule[] = [
  // AuthorizationPolicy: `validate_policy_target` and the authentication counts.
  {
    group: POLICY, kind: 'AuthorizationPolicy', id: 'targetRef-kind', source: `${ADMISSION} validate_policy_target`,
    check: (spec, object) => {
      const target = isJson(spec.targetRef) ? spec.targetRef : {};
      if (targets(target, POLICY, 'Server') || targets(target, POLICY, 'HTTPRoute') || targets(target, GATEWAY, 'GRPCRoute')) return [];
      if (targets(target, '', 'Namespace')) {
        return target.name === object.metadata.namespace
          ? []
          : [violation('/spec/targetRef/name', `cannot target another namespace: ${String(target.name)}; target the policy's own namespace ${String(object.metadata.namespace)}`)];
      }
      return [violation('/spec/targetRef/kind', `invalid targetRef kind: ${canonicalKind(target)}; target a Server, an HTTPRoute (policy.linkerd.io), a GRPCRoute or the Namespace`)];
    },
  },
  {
    group: POLICY, kind: 'AuthorizationPolicy', id: 'requiredAuthenticationRefs-kinds', source: `${ADMISSION} Validate<AuthorizationPolicySpec>`,
    check: (spec) => {
      const refs = asList(spec.requiredAuthenticationRefs);
      const count = (group: string, kind: string) => refs.filter((ref) => targets(ref, group, kind)).length;
      const mtls = count(POLICY, 'MeshTLSAuthentication');
      const serviceAccounts = count('', 'ServiceAccount');
      const networks = count(POLICY, 'NetworkAuthentication');
      const path = '/spec/requiredAuthenticationRefs';
      if (mtls > 1) return [violation(path, 'only a single MeshTLSAuthentication may be set; list all identities in one MeshTLSAuthentication')];
      if (serviceAccounts > 1) return [violation(path, 'only a single ServiceAccount may be set; use a MeshTLSAuthentication with identityRefs for several')];
      if (mtls + serviceAccounts > 1) return [violation(path, 'a MeshTLSAuthentication and ServiceAccount may not be set together; move the ServiceAccount into the MeshTLSAuthentication identityRefs')];
      if (networks > 1) return [violation(path, 'only a single NetworkAuthentication may be set; list all networks in one NetworkAuthentication')];
      return refs.flatMap((ref, i) =>
        targets(ref, POLICY, 'MeshTLSAuthentication') || targets(ref, POLICY, 'NetworkAuthentication') || targets(ref, '', 'ServiceAccount')
          ? []
          : [violation(`${path}/${i}/kind`, `unsupported authentication kind(s): ${canonicalKind(ref)}; use MeshTLSAuthentication, NetworkAuthentication or ServiceAccount`)],
      );
    },
  },
  // MeshTLSAuthentication: identity strings and identity references.
  {
    group: POLICY, kind: 'MeshTLSAuthentication', id: 'identities', source: 'policy-controller/src/validation.rs validate_identity',
    check: (spec) =>
      (Array.isArray(spec.identities) ? spec.identities : []).flatMap((id: unknown, i: number) => {
        const problem = identityProblem(String(id));
        return problem ? [violation(`/spec/identities/${i}`, `id ${String(id)} is invalid: ${problem}; write e.g. web.app.serviceaccount.identity.linkerd.cluster.local, *.app.serviceaccount.identity.linkerd.cluster.local or spiffe://trust.domain/path`)] : [];
      }),
  },
  {
    group: POLICY, kind: 'MeshTLSAuthentication', id: 'identityRefs-kinds', source: `${ADMISSION} validate_identity_ref`,
    check: (spec) =>
      asList(spec.identityRefs).flatMap((ref, i) => {
        if (targets(ref, '', 'ServiceAccount')) return [];
        if (targets(ref, '', 'Namespace')) {
          return ref.namespace === undefined ? [] : [violation(`/spec/identityRefs/${i}/namespace`, 'Namespace identity_ref is cluster-scoped and cannot have a namespace; remove namespace')];
        }
        return [violation(`/spec/identityRefs/${i}/kind`, `invalid identity target kind: ${canonicalKind(ref)}; reference a ServiceAccount or a Namespace`)];
      }),
  },
  // NetworkAuthentication and EgressNetwork: `validate_networks`.
  {
    group: POLICY, kind: 'NetworkAuthentication', id: 'networks', source: `${ADMISSION} Validate<NetworkAuthenticationSpec>, validate_networks`,
    check: (spec) =>
      Array.isArray(spec.networks) && spec.networks.length === 0
        ? [violation('/spec/networks', 'at least one network must be specified; list the client CIDRs')]
        : networkViolations(asList(spec.networks), '/spec/networks'),
  },
  {
    group: POLICY, kind: 'EgressNetwork', id: 'networks', source: `${ADMISSION} Validate<EgressNetworkSpec>, validate_networks`,
    check: (spec) =>
      Array.isArray(spec.networks) && spec.networks.length === 0
        ? [violation('/spec/networks', 'at least one network must be specified; list the destination CIDRs or omit networks for all external traffic')]
        : networkViolations(asList(spec.networks), '/spec/networks'),
  },
  // Server: no second Server for the same port and pods (compared within the batch).
  {
    group: POLICY, kind: 'Server', id: 'no-overlapping-server', source: `${ADMISSION} Validate<ServerSpec>, Admission::overlaps`,
    check: (spec, object, batch) => {
      for (const other of serversOf(batch)) {
        if (other === object) continue;
        if (other.metadata.namespace !== object.metadata.namespace || other.metadata.name === object.metadata.name) continue;
        const otherSpec = isJson(other.spec) ? other.spec : {};
        if (otherSpec.port !== spec.port || !serversOverlap(spec, otherSpec)) continue;
        return [violation('/spec/port', `Server spec '${String(other.metadata.namespace)}/${String(other.metadata.name)}' already defines a policy for port ${String(spec.port)}, and selects pods that would be selected by this Server; select different pods or merge the Servers`)];
      }
      return [];
    },
  },
  // ServerAuthorization (deprecated, still admitted).
  {
    group: POLICY, kind: 'ServerAuthorization', id: 'client', source: `${ADMISSION} Validate<ServerAuthorizationSpec>`,
    check: (spec) => {
      const client = isJson(spec.client) ? spec.client : {};
      const violations: SchemaViolation[] = [];
      if (isJson(client.meshTLS)) {
        if (client.unauthenticated === true) violations.push(violation('/spec/client/unauthenticated', '`unauthenticated` must be false if `meshTLS` is specified; remove one of them'));
        const named = (Array.isArray(client.meshTLS.identities) ? client.meshTLS.identities.length : 0) + (Array.isArray(client.meshTLS.serviceAccounts) ? client.meshTLS.serviceAccounts.length : 0);
        if (client.meshTLS.unauthenticatedTLS === true && named > 0) {
          violations.push(violation('/spec/client/meshTLS/unauthenticatedTLS', '`unauthenticatedTLS` must be false if any `identities` or `serviceAccounts` is specified; remove one of them'));
        }
      }
      violations.push(...networkViolations(asList(client.networks), '/spec/client/networks'));
      return violations;
    },
  },
  // policy.linkerd.io HTTPRoute.
  {
    group: POLICY, kind: 'HTTPRoute', id: 'egress-parent-port', source: `${ADMISSION} Validate<HttpRouteSpec>`,
    check: (spec) => egressParentPortViolations(spec),
  },
  {
    group: POLICY, kind: 'HTTPRoute', id: 'rules', source: `${ADMISSION} Validate<HttpRouteSpec> (validate_match, validate_filter, validate_timeouts)`,
    check: (spec) => httpRouteRuleViolations(spec, true),
  },
  // Gateway API routes.
  {
    group: GATEWAY, kind: 'HTTPRoute', id: 'egress-parent-port', source: `${ADMISSION} Validate<HTTPRouteSpec>`,
    check: (spec) => egressParentPortViolations(spec),
  },
  {
    group: GATEWAY, kind: 'HTTPRoute', id: 'rules', source: `${ADMISSION} Validate<HTTPRouteSpec> (validate_match, validate_filter)`,
    check: (spec) => httpRouteRuleViolations(spec, false),
  },
  {
    group: GATEWAY, kind: 'HTTPRoute', id: 'service-backend-port', source: `${ADMISSION} validate_http_backend_if_service`,
    check: (spec) => serviceBackendPortViolations(spec),
  },
  {
    group: GATEWAY, kind: 'GRPCRoute', id: 'egress-parent-port', source: `${ADMISSION} Validate<GRPCRouteSpec>`,
    check: (spec) => egressParentPortViolations(spec),
  },
  {
    group: GATEWAY, kind: 'GRPCRoute', id: 'rules', source: `${ADMISSION} Validate<GRPCRouteSpec>; k8s/index/src/routes/grpc.rs try_match`,
    check: (spec) => {
      const violations: SchemaViolation[] = [];
      asList(spec.rules).forEach((rule, r) => {
        asList(rule.matches).forEach((match, m) => {
          const at = `/spec/rules/${r}/matches/${m}`;
          if (isJson(match.method) && match.method.type === 'RegularExpression') {
            violations.push(violation(`${at}/method/type`, 'unsupported GRPCRoute method match type: RegularExpression; use type Exact'));
          }
          violations.push(...headerMatchViolations(match.headers, `${at}/headers`));
        });
        asList(rule.filters).forEach((filter, f) => {
          violations.push(...headerModifierViolations(filter.requestHeaderModifier, `/spec/rules/${r}/filters/${f}/requestHeaderModifier`));
          violations.push(...headerModifierViolations(filter.responseHeaderModifier, `/spec/rules/${r}/filters/${f}/responseHeaderModifier`));
        });
      });
      return violations;
    },
  },
  {
    group: GATEWAY, kind: 'GRPCRoute', id: 'service-backend-port', source: `${ADMISSION} validate_grpc_backend_if_service`,
    check: (spec) => serviceBackendPortViolations(spec),
  },
  ...(['TLSRoute', 'TCPRoute'] as const).flatMap((kind): AdmissionRule[] => [
    { group: GATEWAY, kind, id: 'egress-parent-port', source: `${ADMISSION} Validate<${kind}Spec>`, check: (spec) => egressParentPortViolations(spec) },
    {
      group: GATEWAY, kind, id: 'single-rule', source: `${ADMISSION} Validate<${kind}Spec>`,
      check: (spec) =>
        Array.isArray(spec.rules) && spec.rules.length !== 1
          ? [violation('/spec/rules', `${kind === 'TLSRoute' ? 'TlsRoute' : 'TcpRoute'} supports a single rule only, got ${spec.rules.length}; write one route per rule`)]
          : [],
    },
  ]),
  // HTTPLocalRateLimitPolicy.
  {
    group: POLICY, kind: 'HTTPLocalRateLimitPolicy', id: 'targetRef-kind', source: `${ADMISSION} Validate<RateLimitPolicySpec>`,
    check: (spec) => {
      const target = isJson(spec.targetRef) ? spec.targetRef : {};
      return targets(target, POLICY, 'Server') ? [] : [violation('/spec/targetRef/kind', `invalid targetRef kind: ${canonicalKind(target)}; target a Server (group policy.linkerd.io)`)];
    },
  },
  {
    group: POLICY, kind: 'HTTPLocalRateLimitPolicy', id: 'limits', source: `${ADMISSION} Validate<RateLimitPolicySpec>`,
    check: (spec) => {
      const violations: SchemaViolation[] = [];
      const rps = (limit: unknown) => (isJson(limit) && typeof limit.requestsPerSecond === 'number' ? limit.requestsPerSecond : undefined);
      const total = rps(spec.total);
      const identity = rps(spec.identity);
      if (total === 0) violations.push(violation('/spec/total/requestsPerSecond', 'total.requestsPerSecond must be greater than 0; remove total for no overall limit'));
      if (identity === 0) violations.push(violation('/spec/identity/requestsPerSecond', 'identity.requestsPerSecond must be greater than 0; remove identity for no per-identity limit'));
      if (total !== undefined && total > 0 && identity !== undefined && identity > total) {
        violations.push(violation('/spec/identity/requestsPerSecond', `identity.requestsPerSecond (${identity}) must be less than or equal to total.requestsPerSecond (${total})`));
      }
      asList(spec.overrides).forEach((override, i) => {
        const value = rps(override);
        if (value === 0) violations.push(violation(`/spec/overrides/${i}/requestsPerSecond`, 'override.requestsPerSecond must be greater than 0'));
        else if (total !== undefined && total > 0 && value !== undefined && value > total) {
          violations.push(violation(`/spec/overrides/${i}/requestsPerSecond`, `override.requestsPerSecond (${value}) must be less than or equal to total.requestsPerSecond (${total})`));
        }
        asList(override.clientRefs).forEach((ref, j) => {
          if (!targets(ref, '', 'ServiceAccount')) violations.push(violation(`/spec/overrides/${i}/clientRefs/${j}/kind`, `overrides.clientRefs must target a ServiceAccount, got ${canonicalKind(ref)}`));
        });
      });
      return violations;
    },
  },
];

const serversByBatch = new WeakMap<readonly AdmissionObject[], { readonly length: number; readonly servers: readonly AdmissionObject[] }>();

/** The Servers of a batch in batch order, found once per batch rather than once per Server. */
function serversOf(batch: readonly AdmissionObject[]): readonly AdmissionObject[] {
  let found = serversByBatch.get(batch);
  // A batch that grew since (a caller reusing its array) is searched again.
  if (found?.length !== batch.length) {
    found = { length: batch.length, servers: batch.filter((other) => other.kind === 'Server' && other.apiVersion.startsWith(`${POLICY}/`)) };
    serversByBatch.set(batch, found);
  }
  return found.servers;
}

/** `Admission::overlaps`: both select all pods, or the same selector of the same kind. */
function serversOverlap(left: Json, right: Json): boolean {
  for (const field of ['podSelector', 'externalWorkloadSelector'] as const) {
    const a = left[field];
    const b = right[field];
    if (a === undefined || b === undefined) continue;
    if (selectsAll(a) || selectsAll(b)) return true;
    return stableJson(a) === stableJson(b);
  }
  return false;
}

function selectsAll(selector: unknown): boolean {
  if (!isJson(selector)) return true;
  const labels = isJson(selector.matchLabels) ? Object.keys(selector.matchLabels) : [];
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return labels.length === 0 && expressions.length === 0;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isJson(value)) return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** The webhook's rules for each release meshfleet supports (identical so far; see the header). */
export const RULES_BY_RELEASE: Readonly<Record<LinkerdSchemaVersion, readonly AdmissionRule[]>> = {
  '2.18': RULES,
  '2.19': RULES,
  '2.20': RULES,
  'edge-26.8.3': RULES,
};

/** release's rules → group → kind → rules: asked for every object, answered without a key string. */
const rulesByKind = new Map<readonly AdmissionRule[], Map<string, Map<string, AdmissionRule[]>>>();

function rulesFor(release: LinkerdSchemaVersion, group: string, kind: string): readonly AdmissionRule[] {
  const rules = RULES_BY_RELEASE[release];
  let byGroup = rulesByKind.get(rules);
  if (!byGroup) {
    byGroup = new Map();
    for (const rule of rules) {
      let byKind = byGroup.get(rule.group);
      if (!byKind) byGroup.set(rule.group, (byKind = new Map()));
      byKind.set(rule.kind, [...(byKind.get(rule.kind) ?? []), rule]);
    }
    rulesByKind.set(rules, byGroup);
  }
  return byGroup.get(group)?.get(kind) ?? NO_RULES;
}

const NO_RULES: readonly AdmissionRule[] = [];

/**
 * The webhook's verdict on one object of a cluster running `release`; `batch` is every object
 * applied with it (Servers are compared with each other). Empty when admitted or not a kind the
 * webhook validates. Called only on objects whose schema check passed, as the API server calls
 * webhooks only after schema validation.
 */
export function linkerdAdmissionViolations(object: AdmissionObject, release: LinkerdSchemaVersion, batch: readonly AdmissionObject[]): SchemaViolation[] {
  const slash = object.apiVersion.lastIndexOf('/');
  const group = slash >= 0 ? object.apiVersion.slice(0, slash) : '';
  if (group !== POLICY && group !== GATEWAY) return [];
  const rules = rulesFor(release, group, object.kind);
  if (rules.length === 0) return [];
  if (!isJson(object.spec)) return [violation('/spec', "admission request missing 'spec'; add spec")];
  const spec = object.spec;
  if (rules.length === 1) return rules[0]!.check(spec, object, batch);
  const violations: SchemaViolation[] = [];
  for (const rule of rules) violations.push(...rule.check(spec, object, batch));
  return violations;
}
