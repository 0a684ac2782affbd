// Fixes are written once, in the fleet file's terms. For a fleet built in TypeScript, the places they
// name (document sections) are said as the API calls that write them. Only places are translated:
// field names inside props are the same in both front doors, and a fix naming no place is left as is.

const PLACES: readonly (readonly [RegExp, string])[] = [
  [/\bspec\.defaults\.([A-Za-z.]+)/g, 'defaults.$1 of new Fleet(…)'],
  [/\bspec\.defaults\b/g, 'defaults of new Fleet(…)'],
  [/\bspec\.environments\.([a-z0-9-]+)\.clusters\b/g, 'environment $1\'s overrideCluster(…)'],
  [/\bspec\.environments\.([a-z0-9-]+)\.delivery\b/g, 'delivery of fleet.addEnvironment(\'$1\', …)'],
  [/\bspec\.environments: \{ ([a-z0-9-]+): \{\} \}/g, "fleet.addEnvironment('$1')"],
  [/\bspec\.environments\b/g, 'fleet.addEnvironment(…)'],
  [/\bspec\.clusters\b/g, 'fleet.addCluster(…)'],
  [/\bspec\.policy\.services\b/g, 'fleet.addMeshService(…) (or a MeshedWorkload\'s policy)'],
  [/\bspec\.policy\.egress\b/g, 'fleet.addEgressNetwork(…)'],
  [/\bspec\.policy\b/g, 'fleet.addMeshService(…) and fleet.addEgressNetwork(…)'],
  [/\bspec\.services\b/g, 'new ServiceDeclaration(fleet.services, …)'],
  [/\bspec\.routes\b/g, 'a route in fleet.routes'],
  [/\bspec\.namespaces\b/g, 'fleet.addNamespace(…)'],
  [/\bspec\.links\b/g, 'fleet.addLinks(…)'],
  [/\bspec\.exports\b/g, 'fleet.exportService(…)'],
  [/\bspec\.federatedServices\b/g, 'fleet.federateService(…)'],
  [/\bspec\.trust\.issuer\b/g, 'anchorIssuer of new Fleet(…)'],
  [/\bspec\.trust\.identityIssuer\b/g, 'identityIssuer of new Fleet(…)'],
  [/\bspec\.trust\.domain\b/g, 'trustDomain of new Fleet(…)'],
  [/\bspec\.trust\.anchor\b/g, 'trustAnchor of new Fleet(…)'],
  [/\bspec\.trust\b/g, 'trustAnchor / trustDomain of new Fleet(…)'],
  [/\bspec\.credentials\b/g, 'credentials of new Fleet(…)'],
  [/\bspec\.delivery\.rollout\b/g, 'fleet.setRolloutOrder(…)'],
  [/\bspec\.delivery\b/g, 'delivery of new Fleet(…)'],
  // The Gateway API settings a fix spells out, as the factory call.
  [/\bgatewayAPI: \{ mode: external, version: "([^"]+)", channel: (\w+) \}/g, "gatewayAPI: GatewayApi.external({ version: '$1', channel: '$2' })"],
  [/\bgatewayAPI: \{ mode: managed, current: \{ version: "([^"]+)", channel: (\w+) \} \}/g, "gatewayAPI: GatewayApi.managed({ current: { version: '$1', channel: '$2' } })"],
  [/\bgatewayAPI\.migration: ([\w-]+)/g, "migration: '$1' in the cluster's GatewayApi.linkerdLegacy({ … })"],
];

/** The fix with the fleet file's places said as TypeScript API calls. */
export function phraseFixForTypeScript(fix: string): string {
  return PLACES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), fix);
}
