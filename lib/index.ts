// The public API of meshfleet (re-exports only).
export { Fleet, type FleetProps, type AppProps, type AppBuilder } from './fleet/fleet.ts';
export { Caller, RoutePolicy, meshServiceSpec, type CallerOptions, type WorkloadCallerOptions, type MeshServiceProps, type NamespaceProps, type EgressNetworkProps } from './fleet/policy.ts';
export { MeshedWorkload, type MeshedWorkloadProps, type WorkloadPolicy, type ExportMode } from './constructs/workloads/meshed-workload.ts';
export { AppProtocol } from './constructs/workloads/app-protocol.ts';
export { FleetApp, type FleetAppProps } from './constructs/workloads/fleet-app.ts';
export { proxyAnnotations, type ProxyOverrides } from './constructs/workloads/proxy-annotations.ts';
export { AppNamespace, type AppNamespaceProps } from './constructs/policy/app-namespace.ts';
export { MeshServer, type MeshServerProps } from './constructs/policy/mesh-server.ts';
export { CallerAuthorization, type CallerAuthorizationProps, type AuthorizationTarget, type ClientNetwork } from './constructs/policy/caller-authorization.ts';
export { HttpRateLimit, type HttpRateLimitProps } from './constructs/policy/http-rate-limit.ts';
export { EgressControl, type EgressControlProps } from './constructs/policy/egress-control.ts';
export { Cluster, type ClusterProps } from './fleet/cluster.ts';
export { Environment, type EnvironmentProps } from './fleet/environment.ts';
export { AnchorIssuer, TrustAnchor, type ExternalSecretAnchorProps } from './fleet/trust.ts';
export { Credentials, LinkMode, LinkTopology } from './fleet/multicluster.ts';
export { exportService, federateService, exportLabels, type LabelledObject } from './constructs/multicluster/service-exports.ts';
export { MirrorLink, type MirrorLinkProps, type LinkTarget } from './constructs/multicluster/mirror-link.ts';
export { LinkCredentials, type LinkCredentialsProps } from './constructs/multicluster/link-credentials.ts';
export { RemoteAccessPublisher, type RemoteAccessPublisherProps } from './constructs/multicluster/remote-access-publisher.ts';
export { MulticlusterValues, type MulticlusterValuesProps } from './constructs/multicluster/multicluster-values.ts';
export * as multiclusterNames from './compat/multicluster-names.ts';
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
export { FleetError, formatDiagnostic, formatDiagnostics, type Diagnostic, type Locator } from './model/diagnostics.ts';
export { fleetSchema } from './model/schema.ts';
export { loadFleetYamlFile, parseFleetYaml } from './model/load-yaml.ts';
export { synthesize, type FleetInput, type SynthOptions, type SynthResult } from './synth/synthesize.ts';
export { planFleet, type Plan } from './synth/plan.ts';
export { renderFleet, type Rendered, type RenderedCluster } from './synth/render.ts';
export { fleetInput, loadInput } from './cli/load-input.ts';
export { runApp, isMainModule } from './cli/run-app.ts';
export { runCli } from './cli/main.ts';
export { LINKERD_RELEASES, linkerdRelease, type LinkerdRelease } from './compat/linkerd-releases.ts';
export { renderDelivery, type DeliveryOptions, type DeliveryOutput } from './rollout/gitops-files.ts';
export { componentsOf, gatewayAPISourceOf } from './rollout/components.ts';
export type { Component, GatewayAPISource } from './constructs/delivery/components.ts';
export { PHASES, type Phase } from './constructs/delivery/phases.ts';
export { GATEWAY_API_BUNDLES, LINKERD_GATEWAY_API, type GatewayAPIBundle, type LinkerdGatewayAPISupport } from './compat/gateway-api.ts';
export { ClusterMesh, type ClusterMeshProps } from './constructs/cluster-mesh.ts';
export { ClusterRoutes, type ClusterRoutesProps } from './constructs/cluster-routes.ts';
export { ControlPlane, type ControlPlaneProps } from './constructs/control-plane.ts';
export { IdentityIssuer, type IdentityIssuerProps } from './constructs/identity-issuer.ts';
export { MeshNamespace, type MeshNamespaceProps } from './constructs/mesh-namespace.ts';
export { WebhookCertificates, type WebhookCertificatesProps } from './constructs/webhook-certificates.ts';
export { GatewayApiCrds, type GatewayApiCrdsProps } from './constructs/gateway-api-crds.ts';
export { MeshRoutes, type MeshRoutesProps } from './constructs/routes/mesh-routes.ts';
export { GammaHttpRoute, type GammaHttpRouteProps } from './constructs/routes/http-route.ts';
export { GammaGrpcRoute, type GammaGrpcRouteProps } from './constructs/routes/grpc-route.ts';
export { GammaTcpRoute, type GammaTcpRouteProps } from './constructs/routes/tcp-route.ts';
export { GammaTlsRoute, type GammaTlsRouteProps } from './constructs/routes/tls-route.ts';
export { MeshServices, type MeshServicesProps } from './constructs/routes/mesh-services.ts';
export { DeclaredService, type DeclaredServiceProps } from './constructs/routes/declared-service.ts';
