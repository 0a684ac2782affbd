import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import type { Service, Workload } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { meshServiceSpec, type Caller, type RoutePolicy } from './policy.ts';
import type { InboundPolicy, ProxyProtocol, RateLimitSpec, ServicePortSpec } from '../model/types.ts';
import { exportService, federateService } from '../constructs/multicluster/service-exports.ts';
import { AppProtocol } from './app-protocol.ts';
import { FleetApp } from './fleet-app.ts';
import { namesOf, type ICluster } from './refs.ts';
import { DefinitionError, describePlace, located, userCallSite } from './source-location.ts';
import { INJECT_ANNOTATION, proxyAnnotations, type ProxyOverrides } from '../constructs/workloads/proxy-annotations.ts';

export type ExportMode = 'gateway' | 'remote-discovery';

export interface WorkloadPolicy {
  /** Who may call the Service's ports. @default nobody */
  readonly allow?: readonly Caller[];
  /** Route-level policy for inbound routes of the Service's Servers. @default none */
  readonly routes?: readonly RoutePolicy[];
  /** @default "deny", or "audit" when the namespace's (else the cluster's) default inbound policy is audit */
  readonly accessPolicy?: InboundPolicy;
  /** HTTPLocalRateLimitPolicy per port name. @default none */
  readonly rateLimits?: Readonly<Record<string, RateLimitSpec>>;
}

export interface MeshedWorkloadProps {
  /** The workload to mesh: a cdk8s-plus Deployment, StatefulSet or DaemonSet. */
  readonly workload: Workload;
  /** Inject the Linkerd proxy into its pods. @default true */
  readonly inject?: boolean;
  /** Proxy settings for this workload's pods only. @default the namespace's, else the cluster's */
  readonly proxy?: ProxyOverrides;
  /** The Service in front of the workload. @default none (no appProtocol, export or policy) */
  readonly service?: Service;
  /** Protocol of each Service port, by port name: the port's appProtocol and its Server's proxyProtocol. @default detection */
  readonly protocols?: Readonly<Record<string, ProxyProtocol>>;
  /** appProtocol by port name where it should say something the protocol does not imply. @default from protocols */
  readonly appProtocols?: Readonly<Record<string, AppProtocol>>;
  /** Mirror the Service to linked clusters. @default not exported */
  readonly export?: ExportMode | { readonly mode: ExportMode; readonly consumers?: readonly (ICluster | string)[] };
  /** Make the Service a member of `<service>-federated`. @default false */
  readonly federated?: boolean;
  /** A Server per Service port with these callers, declared to the fleet (inside fleet.addApp only). @default no Servers */
  readonly policy?: WorkloadPolicy;
}

/**
 * Mesh behaviour for an application's own Deployment and Service in one place: proxy injection and
 * overrides on the pod template, appProtocol on the Service ports, export and federation labels, and
 * the service's policy. Inside fleet.addApp the export, federation and policy are declared to the
 * fleet, so they are checked and rendered exactly like the same entries in a fleet file.
 */
export class MeshedWorkload extends Construct {
  constructor(scope: Construct, id: string, props: MeshedWorkloadProps) {
    super(scope, id);
    const at = userCallSite();
    const where = this.node.path;
    const { workload, service } = props;

    const annotations = { [INJECT_ANNOTATION]: props.inject === false ? 'disabled' : 'enabled', ...located(() => proxyAnnotations(props.proxy ?? {}, where)) };
    for (const [key, value] of Object.entries(annotations)) workload.podMetadata.addAnnotation(key, value);

    if (!service) {
      for (const field of ['protocols', 'appProtocols', 'export', 'federated', 'policy'] as const) {
        if (props[field] !== undefined) throw new DefinitionError(`${where}: ${field} needs the workload's Service. Fix: pass service`);
      }
      return;
    }
    const ports = service.ports;
    const names = ports.map((p) => p.name);
    const knownPort = (name: string, field: string) => {
      if (!names.includes(name)) {
        throw new DefinitionError(`${where}: ${field} names port ${JSON.stringify(name)}, which Service ${service.name} does not have, so its Server would select no port. Fix: use one of ${names.filter(Boolean).map((n) => JSON.stringify(n)).join(', ') || '(no named ports)'} or bind the port with that name`);
      }
    };
    for (const name of Object.keys(props.protocols ?? {})) knownPort(name, 'protocols');
    for (const name of Object.keys(props.appProtocols ?? {})) knownPort(name, 'appProtocols');
    for (const name of Object.keys(props.policy?.rateLimits ?? {})) knownPort(name, 'rateLimits');
    for (const caller of props.policy?.allow ?? []) for (const name of ('ports' in caller.spec && caller.spec.ports) || []) knownPort(name, 'a caller');

    ports.forEach((port, i) => {
      const protocol = port.name ? props.protocols?.[port.name] : undefined;
      const implied = protocol ? AppProtocol.forProxyProtocol(protocol) : undefined;
      const given = port.name ? props.appProtocols?.[port.name] : undefined;
      if (given && implied && given.value !== implied.value) {
        throw new DefinitionError(`${where}: port ${port.name} is ${protocol}, which clients learn from appProtocol ${implied.value}, but appProtocols says ${given.value}. Fix: drop appProtocols.${port.name}, or make them agree`);
      }
      const appProtocol = given ?? implied;
      // cdk8s-plus has no appProtocol on ServicePort; patch the rendered port in place.
      if (appProtocol) ApiObject.of(service).addJsonPatch(JsonPatch.add(`/spec/ports/${i}/appProtocol`, appProtocol.value));
    });

    const app = FleetApp.enclosing(this);
    const namespace = service.metadata.namespace ?? Chart.of(service).namespace;
    const exported = typeof props.export === 'string' ? { mode: props.export } : props.export;
    if (exported) exportService(service, exported.mode);
    if (props.federated) federateService(service);
    if (!app) {
      if (props.policy) throw new DefinitionError(`${where}: the policy of ${service.name} must be declared to a fleet. Fix: create the workload inside fleet.addApp(...), or declare the service with fleet.addMeshService`);
      return;
    }
    if (!namespace) throw new DefinitionError(`${where}: Service ${service.name} has no namespace. Fix: set metadata.namespace, or give fleet.addApp a namespace`);
    const source = describePlace(this.node.path, at);
    if (exported) {
      app.declarations.exportService({ name: service.name, namespace, cluster: app.cluster, export: exported.mode, ...(exported.consumers ? { consumers: namesOf(exported.consumers) } : {}) }, source);
    }
    if (props.federated) app.declarations.federate({ name: service.name, namespace, cluster: app.cluster }, source);
    if (props.policy) {
      const podSelector = workload.matchLabels;
      if (!Object.keys(podSelector).length) {
        throw new DefinitionError(`${where}: ${workload.name} selects its pods by no label, so a Server would select every pod of ${namespace}. Fix: select pods by labels (the default, or workload.select(...))`);
      }
      const unnamed = ports.find((p) => !p.name);
      if (unnamed) throw new DefinitionError(`${where}: Service ${service.name} port ${unnamed.port} has no name, and a Server is named after its port. Fix: name every port (bind(port, { name }))`);
      const policy = props.policy;
      const spec = meshServiceSpec(service.name, {
        namespace,
        clusters: [app.cluster],
        podSelector,
        serviceAccount: workload.serviceAccount?.name,
        ports: ports.map((p): ServicePortSpec => ({
          name: p.name!,
          port: p.port,
          ...(p.targetPort !== undefined && p.targetPort !== p.port ? { targetPort: p.targetPort } : {}),
          ...(props.protocols?.[p.name!] ? { protocol: props.protocols[p.name!] } : {}),
          ...(policy.rateLimits?.[p.name!] ? { rateLimit: policy.rateLimits[p.name!] } : {}),
        })),
        allow: policy.allow,
        accessPolicy: policy.accessPolicy,
        routes: policy.routes,
      });
      app.declarations.addMeshService(spec, source);
    }
  }
}
