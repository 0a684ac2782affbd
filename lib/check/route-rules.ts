// Rules over mesh routes: once per entry (selection, retry values, rule shapes) and per cluster that
// gets it (Linkerd version, links behind cross-cluster backends, protocols of the ports it uses).
import { isIP } from 'node:net';
import { linkerdGatewayAPI } from '../compat/gateway-api.ts';
import { DEFAULT_OPAQUE_PORTS, inPortList, SERVER_SPEAKS_FIRST_PORTS } from '../compat/protocols.ts';
import { error, show, warning, type Diagnostic } from '../model/diagnostics.ts';
import { chooseFrom } from '../model/suggest.ts';
import { durationProblem, grpcRetryCodeProblem, httpRetryStatusProblem, type ValueProblem } from '../model/route-values.ts';
import type { BackendRefSpec, ClusterSelection, HeaderModifierSpec, HTTPRouteRuleSpec, RouteSpec } from '../model/routes.ts';
import type { FleetSpec } from '../model/types.ts';
import type { ResolvedCluster, ResolvedFleet, ResolvedRoute } from '../resolve/resolve.ts';

const MIRROR_FIX_MODES = 'gateway or flat';
const OPAQUE = new Set(['linkerd.io/opaque', 'linkerd.io/tcp']);

/** The clusters and environments a selection names must exist, and it must name something. */
export function checkSelection(selection: ClusterSelection, path: string, spec: FleetSpec, what: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const clusters = spec.clusters.map((c) => c.name);
  const environments = Object.keys(spec.environments ?? {});
  if (!selection.clusters?.length && !selection.environments?.length) {
    diagnostics.push(error('MF6001', path, `the ${what} names no cluster`, 'say where it applies: clusters: [..] and/or environments: [..]'));
  }
  selection.clusters?.forEach((name, i) => {
    if (!clusters.includes(name)) diagnostics.push(error('MF6002', `${path}/clusters/${i}`, `cluster ${show(name)} does not exist`, chooseFrom(name, clusters)));
  });
  selection.environments?.forEach((name, i) => {
    if (!environments.includes(name)) diagnostics.push(error('MF6003', `${path}/environments/${i}`, `environment ${show(name)} is not declared`, chooseFrom(name, environments)));
  });
  if (!diagnostics.length && !spec.clusters.some((c) => selection.clusters?.includes(c.name) || selection.environments?.includes(c.environment))) {
    diagnostics.push(warning('MF6004', path, `the ${what} applies to no cluster (its environments have none)`, 'add clusters to the environment, or remove the entry'));
  }
  return diagnostics;
}

/** Checks of each route entry as written, once whatever the number of clusters it applies to. */
export function checkRouteEntries(spec: FleetSpec): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  (spec.routes ?? []).forEach((route, index) => {
    const path = `/spec/routes/${index}`;
    const report = (at: string, problem: ValueProblem | undefined) => problem && diagnostics.push(error('MF6005', at, problem.message, problem.fix));
    diagnostics.push(...checkSelection(route, path, spec, `route ${route.namespace}/${route.name}`));
    if (route.kind === 'HTTPRoute') {
      route.retry?.http?.forEach((status, i) => report(`${path}/retry/http/${i}`, httpRetryStatusProblem(status)));
      route.rules.forEach((rule, i) => diagnostics.push(...httpRuleProblems(rule, `${path}/rules/${i}`)));
    }
    if (route.kind === 'GRPCRoute') {
      route.retry?.grpc?.forEach((code, i) => report(`${path}/retry/grpc/${i}`, grpcRetryCodeProblem(code)));
      route.rules.forEach((rule, i) => {
        rule.matches?.forEach((match, j) => {
          const at = `${path}/rules/${i}/matches/${j}`;
          if (match.method && match.method.service === undefined && match.method.method === undefined) {
            diagnostics.push(error('MF6006', `${at}/method`, 'a gRPC method match names neither a service nor a method', 'add service (e.g. "shop.Cart") and/or method (e.g. "Checkout")'));
          }
          if (match.method && (match.method.type ?? 'Exact') === 'Exact') {
            if (match.method.service !== undefined && !GRPC_SERVICE.test(match.method.service)) {
              diagnostics.push(error('MF6007', `${at}/method/service`, `${show(match.method.service)} is not a gRPC service name`, 'write the fully qualified service, e.g. "shop.v1.Cart"'));
            }
            if (match.method.method !== undefined && !GRPC_METHOD.test(match.method.method)) {
              diagnostics.push(error('MF6008', `${at}/method/method`, `${show(match.method.method)} is not a gRPC method name`, 'write the method alone, e.g. "Checkout"'));
            }
          }
          diagnostics.push(...duplicateNames(match.headers, `${at}/headers`, 'header match'));
        });
        diagnostics.push(...headerModifierProblems(rule.filters, `${path}/rules/${i}/filters`));
        diagnostics.push(...weightProblems(rule.backendRefs, `${path}/rules/${i}`));
      });
    }
    if (route.kind === 'TCPRoute' || route.kind === 'TLSRoute') diagnostics.push(...weightProblems(route.backendRefs, path));
    if (route.kind === 'TLSRoute') {
      route.hostnames?.forEach((hostname, i) => {
        if (isIP(hostname)) diagnostics.push(error('MF6009', `${path}/hostnames/${i}`, `${show(hostname)} is an IP address, but TLSRoute hostnames are SNI names`, 'use the DNS name clients send as SNI'));
      });
    }
    if (route.kind === 'HTTPRoute' || route.kind === 'GRPCRoute') {
      for (const key of ['request', 'response', 'idle'] as const) {
        const value = route.timeouts?.[key];
        if (value !== undefined) report(`${path}/timeouts/${key}`, durationProblem(value));
      }
      if (route.retry?.timeout !== undefined) report(`${path}/retry/timeout`, durationProblem(route.retry.timeout));
    }
  });
  return diagnostics;
}

// What Gateway API's CEL rules accept (meshfleet's schema check does not run CEL).
const GRPC_SERVICE = /^\.?[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*$/;
const GRPC_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;
const PATH_CHARACTERS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;
const PATH_FORBIDDEN = ['//', '/./', '/../', '%2f', '%2F', '#'];

function pathProblem(value: string): string | undefined {
  if (!value.startsWith('/')) return `path ${show(value)} does not start with "/"`;
  const forbidden = PATH_FORBIDDEN.find((f) => value.includes(f)) ?? (/\/\.\.?$/.test(value) ? value.slice(value.lastIndexOf('/')) : undefined);
  if (forbidden) return `path ${show(value)} contains ${show(forbidden)}, which Gateway API refuses`;
  if (!PATH_CHARACTERS.test(value)) return `path ${show(value)} has characters a URL path cannot hold unescaped`;
  return undefined;
}

/** Names in a list-map must be unique (the API server refuses duplicates). */
function duplicateNames(entries: readonly { readonly name: string }[] | undefined, path: string, what: string): Diagnostic[] {
  const seen = new Map<string, number>();
  const diagnostics: Diagnostic[] = [];
  entries?.forEach((entry, i) => {
    const first = seen.get(entry.name.toLowerCase());
    if (first !== undefined) diagnostics.push(error('MF6010', `${path}/${i}`, `${what} ${show(entry.name)} appears twice (also ${first})`, 'name each header or parameter once'));
    else seen.set(entry.name.toLowerCase(), i);
  });
  return diagnostics;
}

function headerModifierProblems(filters: { readonly requestHeaderModifier?: HeaderModifierSpec; readonly responseHeaderModifier?: HeaderModifierSpec } | undefined, path: string): Diagnostic[] {
  return (['requestHeaderModifier', 'responseHeaderModifier'] as const).flatMap((key) => {
    const modifier = filters?.[key];
    if (!modifier) return [];
    return [
      ...duplicateNames(modifier.set, `${path}/${key}/set`, 'header'),
      ...duplicateNames(modifier.add, `${path}/${key}/add`, 'header'),
      ...duplicateNames(modifier.remove?.map((name) => ({ name })), `${path}/${key}/remove`, 'header'),
    ];
  });
}

function httpRuleProblems(rule: HTTPRouteRuleSpec, path: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  rule.matches?.forEach((match, j) => {
    const type = match.path?.type ?? 'PathPrefix';
    const problem = match.path && type !== 'RegularExpression' ? pathProblem(match.path.value) : undefined;
    if (problem) diagnostics.push(error('MF6011', `${path}/matches/${j}/path/value`, problem, 'write an absolute, normalized URL path such as "/api/v1"'));
    diagnostics.push(...duplicateNames(match.headers, `${path}/matches/${j}/headers`, 'header match'));
    diagnostics.push(...duplicateNames(match.queryParams, `${path}/matches/${j}/queryParams`, 'query parameter match'));
  });
  diagnostics.push(...headerModifierProblems(rule.filters, `${path}/filters`));
  const redirect = rule.filters?.requestRedirect;
  if (redirect && rule.backendRefs) {
    diagnostics.push(error('MF6012', `${path}/backendRefs`, 'a rule with requestRedirect answers the request itself, so its backendRefs would never be used', 'remove backendRefs from this rule, or the redirect'));
  }
  const [onlyMatch, ...otherMatches] = rule.matches ?? [];
  if (redirect?.path?.type === 'ReplacePrefixMatch' && !(onlyMatch?.path && (onlyMatch.path.type ?? 'PathPrefix') === 'PathPrefix' && !otherMatches.length)) {
    diagnostics.push(error('MF6013', `${path}/filters/requestRedirect/path`, 'ReplacePrefixMatch replaces the matched prefix, so the rule needs exactly one match, with a PathPrefix path', 'give the rule one match: { path: { type: PathPrefix, value: ... } }, or use ReplaceFullPath'));
  }
  diagnostics.push(...weightProblems(rule.backendRefs, path));
  return diagnostics;
}

function weightProblems(backends: readonly BackendRefSpec[] | undefined, path: string): Diagnostic[] {
  if (!backends?.length || backends.some((b) => (b.weight ?? 1) > 0)) return [];
  return [error('MF6014', `${path}/backendRefs`, 'every backend has weight 0, so every request would fail', 'give at least one backend a weight above 0')];
}

/** What the per-cluster route rules need to know about the fleet, computed once per fleet. */
export interface FleetFacts extends Pick<ResolvedFleet, 'federatedServices'> {
  readonly clusterNames: ReadonlySet<string>;
  /** Link mode by "<source> <target>" of every link (the fleet's policy context). */
  readonly linked: ReadonlyMap<string, unknown>;
}

export function fleetFacts(fleet: Pick<ResolvedFleet, 'clusters' | 'federatedServices' | 'policyContext'>): FleetFacts {
  return {
    clusterNames: new Set(fleet.clusters.map((c) => c.name)),
    linked: fleet.policyContext.links,
    federatedServices: fleet.federatedServices,
  };
}

/** Rules that depend on the cluster a route lands on. */
export function checkClusterRoutes(cluster: ResolvedCluster, fleet: FleetFacts): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, string>();
  for (const route of cluster.routes) {
    const { spec, path } = route;
    const key = `${spec.kind} ${spec.namespace}/${spec.name}`;
    const first = seen.get(key);
    if (first) diagnostics.push(error('MF6015', `${path}/name`, `cluster ${cluster.name} already gets ${key} from ${first}`, 'give the route another name, or select other clusters'));
    else seen.set(key, path);

    if (spec.kind === 'HTTPRoute' && !linkerdGatewayAPI(cluster.release).ruleTimeouts) {
      spec.rules.forEach((rule, i) => {
        if (rule.timeouts) {
          diagnostics.push(error('MF6016', `${path}/rules/${i}/timeouts`, `Linkerd ${cluster.linkerdVersion} ignores HTTPRoute rules[].timeouts (cluster ${cluster.name}); 2.20 and later read it`, "use the route's timeouts.request (an annotation every version reads), or upgrade Linkerd"));
        }
      });
    }
    for (const [backend, at] of backendsOf(route)) diagnostics.push(...crossClusterProblems(backend, at, spec, cluster, fleet));
    diagnostics.push(...protocolProblems(route, cluster));
  }
  return diagnostics;
}

function backendsOf(route: ResolvedRoute): [BackendRefSpec, string][] {
  const { spec, path } = route;
  if (spec.kind === 'TCPRoute' || spec.kind === 'TLSRoute') return (spec.backendRefs ?? []).map((b, j) => [b, `${path}/backendRefs/${j}`]);
  return (spec.rules as readonly { backendRefs?: readonly BackendRefSpec[] }[]).flatMap((rule, i) =>
    (rule.backendRefs ?? []).map((b, j): [BackendRefSpec, string] => [b, `${path}/rules/${i}/backendRefs/${j}`]),
  );
}

/** What a backend name refers to: Linkerd mirrors `<svc>` of cluster X as `<svc>-X`; federation is `<svc>-federated`. */
export function backendTarget(name: string, clusterNames: ReadonlySet<string>): { kind: 'local' } | { kind: 'mirror'; service: string; cluster: string } | { kind: 'federated'; service: string } {
  if (name.endsWith('-federated') && name.length > '-federated'.length) return { kind: 'federated', service: name.slice(0, -'-federated'.length) };
  // The first dash that leaves a cluster name behind it gives the longest such name.
  for (let dash = name.indexOf('-'); dash > 0; dash = name.indexOf('-', dash + 1)) {
    const cluster = name.slice(dash + 1);
    if (clusterNames.has(cluster)) return { kind: 'mirror', service: name.slice(0, dash), cluster };
  }
  return { kind: 'local' };
}

function crossClusterProblems(
  backend: BackendRefSpec,
  at: string,
  route: RouteSpec,
  cluster: ResolvedCluster,
  fleet: FleetFacts,
): Diagnostic[] {
  const target = backendTarget(backend.name, fleet.clusterNames);
  if (target.kind === 'mirror') {
    if (target.cluster === cluster.name) {
      return [error('MF6017', `${at}/name`, `backend ${show(backend.name)} would be cluster ${cluster.name}'s mirror of its own service ${target.service}, which Linkerd never creates`, `name the local service: ${target.service}`)];
    }
    if (!fleet.linked.has(`${cluster.name} ${target.cluster}`)) {
      return [
        error('MF6018', `${at}/name`, `backend ${show(backend.name)} is the mirror of ${target.service} from cluster ${target.cluster}, but cluster ${cluster.name} does not link to ${target.cluster}`, `add { from: ${cluster.name}, to: ${target.cluster}, mode: ${MIRROR_FIX_MODES} } to spec.links, or apply the route only to clusters that link to ${target.cluster}`),
      ];
    }
  }
  if (target.kind === 'federated') {
    const federated = fleet.federatedServices.find((f) => f.name === target.service && f.namespace === route.namespace);
    if (!federated) {
      return [error('MF6019', `${at}/name`, `backend ${show(backend.name)} names the federated service ${route.namespace}/${target.service}, which spec.federatedServices does not declare`, `declare { name: ${target.service}, namespace: ${route.namespace}, clusters: [...] } in spec.federatedServices`)];
    }
    if (!federated.clusters.includes(cluster.name)) {
      return [error('MF6020', `${at}/name`, `cluster ${cluster.name} is not a member of the federated service ${route.namespace}/${target.service}, so it has no ${backend.name}`, `add ${cluster.name} to ${federated.path}/clusters, or apply the route only to member clusters`)];
    }
  }
  return [];
}

/** Routes that Linkerd would not apply, or ports whose detection stalls, given the cluster's declarations. */
function protocolProblems(route: ResolvedRoute, cluster: ResolvedCluster): Diagnostic[] {
  const { spec, path } = route;
  const declared = appProtocolOf(cluster, spec.namespace, spec.service.name, spec.service.port);
  const port = spec.service.port;
  const portPath = `${path}/service/port`;
  const opaquePorts = cluster.proxy.opaquePorts ?? DEFAULT_OPAQUE_PORTS;
  const where = `${spec.namespace}/${spec.service.name}:${port} on cluster ${cluster.name}`;
  if (declared !== undefined) {
    if ((spec.kind === 'HTTPRoute' || spec.kind === 'GRPCRoute') && OPAQUE.has(declared)) {
      return [error('MF6021', portPath, `${where} is declared ${declared}, so Linkerd never parses its traffic and this ${spec.kind} never applies`, `declare appProtocol ${spec.kind === 'GRPCRoute' ? 'kubernetes.io/h2c' : 'http or kubernetes.io/h2c'} on that port, or use a TCPRoute`)];
    }
    if (spec.kind === 'GRPCRoute' && declared === 'http') {
      return [error('MF6022', portPath, `${where} is declared http (HTTP/1), but gRPC needs HTTP/2`, 'declare appProtocol kubernetes.io/h2c on that port')];
    }
    if ((spec.kind === 'TCPRoute' || spec.kind === 'TLSRoute') && !OPAQUE.has(declared)) {
      return [warning('MF6023', portPath, `${where} is declared ${declared}, so Linkerd routes it as HTTP and this ${spec.kind} does not apply`, 'declare appProtocol linkerd.io/opaque on that port, or use an HTTPRoute or GRPCRoute')];
    }
    return [];
  }
  if (inPortList(port, opaquePorts)) {
    return spec.kind === 'HTTPRoute' || spec.kind === 'GRPCRoute'
      ? [warning('MF6024', portPath, `${where} is in proxy.opaquePorts, so Linkerd treats it as opaque TCP and this ${spec.kind} never applies`, `declare appProtocol ${spec.kind === 'GRPCRoute' ? 'kubernetes.io/h2c' : 'http'} for it in spec.services, or remove it from proxy.opaquePorts`)]
      : [];
  }
  const protocol = SERVER_SPEAKS_FIRST_PORTS[port];
  if (protocol) {
    return [warning('MF6025', portPath, `${where} is the usual ${protocol} port, where the server speaks first: without a declaration, Linkerd's protocol detection stalls each connection for up to 10 s`, 'declare appProtocol: linkerd.io/opaque for it in spec.services (or in the Service itself), or add the port to proxy.opaquePorts')];
  }
  return [];
}

function appProtocolOf(cluster: ResolvedCluster, namespace: string, name: string, port: number): string | undefined {
  for (const { spec } of cluster.services) {
    if (spec.namespace !== namespace || spec.name !== name) continue;
    const declared = spec.ports.find((p) => p.port === port);
    if (declared) return declared.appProtocol;
  }
  return undefined;
}
