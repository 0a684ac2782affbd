// Rules over the fleet document as written, before environments are merged: names and references.
import { error, pointer, show, type Diagnostic } from '../model/diagnostics.ts';
import { chooseFrom, didYouMean } from '../model/suggest.ts';
import type { FleetSpec } from '../model/types.ts';

export function checkDocument(spec: FleetSpec): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const environments = spec.environments ?? {};
  const firstIndex = new Map<string, number>();

  spec.clusters.forEach((cluster, index) => {
    const seen = firstIndex.get(cluster.name);
    if (seen !== undefined) {
      diagnostics.push(error('MF3101', `/spec/clusters/${index}/name`, `duplicate cluster name ${show(cluster.name)} (also /spec/clusters/${seen})`, 'give every cluster a unique name: it names its output folder, its Links and its credentials'));
    } else {
      firstIndex.set(cluster.name, index);
    }
    if (!(cluster.environment in environments)) {
      const declared = Object.keys(environments);
      diagnostics.push(error('MF3102', `/spec/clusters/${index}/environment`, `environment ${show(cluster.environment)} is not declared`, declared.length ? `${chooseFrom(cluster.environment, declared)}, or add ${cluster.environment}: {} under spec.environments` : `declare it: spec.environments: { ${cluster.environment}: {} }`));
    }
  });

  for (const [envName, environment] of Object.entries(environments)) {
    for (const clusterName of Object.keys(environment.clusters ?? {})) {
      const at = `/spec/environments${pointer(envName)}/clusters${pointer(clusterName)}`;
      const index = firstIndex.get(clusterName);
      if (index === undefined) {
        diagnostics.push(error('MF3103', at, `environment ${show(envName)} overrides cluster ${show(clusterName)}, which does not exist`, `${didYouMean(clusterName, firstIndex.keys())}declare ${clusterName} in spec.clusters or remove the override`));
      } else if (spec.clusters[index].environment !== envName) {
        diagnostics.push(error('MF3104', at, `cluster ${show(clusterName)} belongs to environment ${show(spec.clusters[index].environment)}, not ${show(envName)}`, `move the override to spec.environments.${spec.clusters[index].environment}.clusters`));
      }
    }
  }
  return diagnostics;
}
