// The public API of meshfleet (re-exports only).
export { Fleet, type FleetProps } from './fleet/fleet.ts';
export { Cluster, type ClusterProps } from './fleet/cluster.ts';
export { Environment } from './fleet/environment.ts';
export { AnchorIssuer, TrustAnchor, type ExternalSecretAnchorProps } from './fleet/trust.ts';
export { GatewayApi, type LegacyGatewayApiProps, type ManagedGatewayApiProps } from './fleet/gateway-api.ts';
export { FederatedService, Link, type FederatedServiceProps, type LinkProps } from './fleet/links.ts';
export { MeshRoute, type MeshRouteProps, type SelectionProps } from './fleet/routes/mesh-route.ts';
export { HttpRoute, type HttpMatch, type HttpRouteProps, type HttpRouteRule } from './fleet/routes/http-route.ts';
export { GrpcRoute, type GrpcMatch, type GrpcMethod, type GrpcRouteProps, type GrpcRouteRule } from './fleet/routes/grpc-route.ts';
export { TcpRoute, type TcpRouteProps } from './fleet/routes/tcp-route.ts';
export { TlsRoute, type TlsRouteProps } from './fleet/routes/tls-route.ts';
export { AppProtocol, MeshService, type MeshServicePort, type MeshServiceProps } from './fleet/routes/mesh-service.ts';
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
