// Rules over service protocol declarations: values Linkerd understands, Services Kubernetes accepts,
// and server-speaks-first ports left to protocol detection on the clusters that get them.
import { DEFAULT_OPAQUE_PORTS, inPortList, SERVER_SPEAKS_FIRST_PORTS } from '../compat/protocols.ts';
import { error, show, warning, type Diagnostic } from '../model/diagnostics.ts';
import { appProtocolProblem } from '../model/route-values.ts';
import type { FleetSpec } from '../model/types.ts';
import type { ResolvedCluster } from '../resolve/resolve.ts';
import { checkSelection } from './route-rules.ts';

export function checkServiceEntries(spec: FleetSpec): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  (spec.services ?? []).forEach((service, index) => {
    const path = `/spec/services/${index}`;
    diagnostics.push(...checkSelection(service, path, spec, `service ${service.namespace}/${service.name}`));
    const ports = new Map<number, number>();
    const names = new Map<string, number>();
    service.ports.forEach((port, i) => {
      const at = `${path}/ports/${i}`;
      const problem = port.appProtocol === undefined ? undefined : appProtocolProblem(port.appProtocol, port.port);
      if (problem) diagnostics.push(error('MF6101', `${at}/appProtocol`, problem.message, problem.fix));
      if (ports.has(port.port)) diagnostics.push(error('MF6102', `${at}/port`, `port ${port.port} is declared twice (also ports/${ports.get(port.port)})`, 'declare each port once'));
      else ports.set(port.port, i);
      if (port.name !== undefined) {
        if (names.has(port.name)) diagnostics.push(error('MF6103', `${at}/name`, `port name ${show(port.name)} is used twice (also ports/${names.get(port.name)})`, 'give each port its own name'));
        else names.set(port.name, i);
      }
      // Kubernetes requires names once a Service has several ports; only Services meshfleet writes matter.
      if (service.selector && service.ports.length > 1 && port.name === undefined) {
        diagnostics.push(error('MF6104', `${at}/name`, `port ${port.port} has no name, and Kubernetes requires one on every port of a Service with several ports`, 'name it, e.g. name: http'));
      }
    });
  });
  return diagnostics;
}

export function checkClusterServices(cluster: ResolvedCluster): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, string>();
  const opaquePorts = cluster.proxy.opaquePorts ?? DEFAULT_OPAQUE_PORTS;
  for (const { spec, path } of cluster.services) {
    const key = `${spec.namespace}/${spec.name}`;
    const first = seen.get(key);
    if (first) diagnostics.push(error('MF6105', `${path}/name`, `cluster ${cluster.name} already gets service ${key} from ${first}`, 'declare each service once per cluster'));
    else seen.set(key, path);
    spec.ports.forEach((port, i) => {
      const protocol = SERVER_SPEAKS_FIRST_PORTS[port.port];
      if (port.appProtocol !== undefined || !protocol || inPortList(port.port, opaquePorts)) return;
      diagnostics.push(
        warning('MF6106', `${path}/ports/${i}`, `port ${port.port} of ${key} on cluster ${cluster.name} is the usual ${protocol} port, where the server speaks first: without appProtocol, Linkerd's protocol detection stalls each connection for up to 10 s`, 'set appProtocol: linkerd.io/opaque (or add the port to proxy.opaquePorts)'),
      );
    });
  }
  return diagnostics;
}
