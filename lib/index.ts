// The public API of meshfleet (re-exports only): what a fleet's author writes, and the pipeline.
// The constructs meshfleet renders with are `meshfleet/constructs` (lib/constructs/index.ts).
export { Fleet, type FleetProps, type AppProps, type AppBuilder, type FederatedServiceProps, type ServiceExportProps } from './fleet/fleet.ts';
export { Caller, RoutePolicy, meshServiceSpec, type CallerOptions, type WorkloadCallerOptions, type MeshServiceProps, type NamespaceProps, type EgressNetworkProps } from './fleet/policy.ts';
export { MeshedWorkload, type MeshedWorkloadProps, type WorkloadPolicy, type ExportMode } from './fleet/meshed-workload.ts';
export { AppProtocol } from './fleet/app-protocol.ts';
export { FleetApp, type FleetAppProps } from './fleet/fleet-app.ts';
export { proxyAnnotations, type ProxyOverrides } from './constructs/workloads/proxy-annotations.ts';
export { Cluster, type ClusterProps, type MeshSettings } from './fleet/cluster.ts';
export { type ICluster, type IEnvironment } from './fleet/refs.ts';
export { Delivery, GitRepo, MeshDelivery, type ArgoCdDeliveryProps, type DeliveryProps, type FluxDeliveryProps, type GitRepoOptions } from './fleet/delivery.ts';
export { DefinitionError, type SourceLocation } from './fleet/source-location.ts';
export { Environment, type EnvironmentProps } from './fleet/environment.ts';
export { AnchorIssuer, TrustAnchor, type ExternalSecretAnchorProps } from './fleet/trust.ts';
export { Credentials, LinkMode, LinkTopology } from './fleet/multicluster.ts';
export { exportService, federateService, exportLabels, type LabelledObject } from './constructs/multicluster/service-exports.ts';
export { GatewayApi, type LegacyGatewayApiProps, type ManagedGatewayApiProps } from './fleet/gateway-api.ts';
export { MeshRoute, type MeshRouteProps, type SelectionProps } from './fleet/routes/mesh-route.ts';
export { HttpRoute, type HttpMatch, type HttpRouteProps, type HttpRouteRule } from './fleet/routes/http-route.ts';
export { GrpcRoute, type GrpcMatch, type GrpcMethod, type GrpcRouteProps, type GrpcRouteRule } from './fleet/routes/grpc-route.ts';
export { TcpRoute, type TcpRouteProps } from './fleet/routes/tcp-route.ts';
export { TlsRoute, type TlsRouteProps } from './fleet/routes/tls-route.ts';
export { ServiceDeclaration, type ServiceDeclarationPort, type ServiceDeclarationProps } from './fleet/routes/service-declaration.ts';
export {
  Backend,
  GrpcRetry,
  HttpRetry,
  PathMatch,
  RetryStatus,
  ValueMatch,
  type BackendOptions,
  type HeaderChanges,
  type RetryOptions,
  type RouteTimeouts,
} from './fleet/routes/values.ts';
export * from './model/types.ts';
export { FleetError, fixFor, formatDiagnostic, formatDiagnostics, type Diagnostic, type Locator } from './model/diagnostics.ts';
export { fleetSchema } from './model/schema.ts';
export { loadFleetYamlFile, parseFleetYaml } from './model/load-yaml.ts';
export { synthesize, type FleetInput, type SynthOptions, type SynthResult } from './synth/synthesize.ts';
export { planFleet, type Plan } from './synth/plan.ts';
export { renderFleet, type Rendered, type RenderedCluster } from './synth/render.ts';
export { fleetInput, loadInput } from './cli/load-input.ts';
export { runApp, isMainModule } from './cli/run-app.ts';
export { runCli } from './cli/main.ts';
export { LINKERD_RELEASES, linkerdRelease, type LinkerdRelease, type LinkerdVersion } from './compat/linkerd-releases.ts';
export { renderDelivery, type DeliveryOptions, type DeliveryOutput } from './rollout/gitops-files.ts';
export { componentsOf, gatewayAPISourceOf } from './rollout/components.ts';
export type { Component, GatewayAPISource } from './constructs/delivery/components.ts';
export { PHASES, type Phase } from './constructs/delivery/phases.ts';
export { GATEWAY_API_BUNDLES, LINKERD_GATEWAY_API, type GatewayAPIBundle, type LinkerdGatewayAPISupport } from './compat/gateway-api.ts';
