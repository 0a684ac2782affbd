// The constructs meshfleet renders a cluster with (`meshfleet/constructs`, re-exports only): for
// building a cluster's objects without the fleet pipeline. A fleet's author needs only `meshfleet`.
export { AppNamespace, type AppNamespaceProps } from './policy/app-namespace.ts';
export { MeshServer, type MeshServerProps } from './policy/mesh-server.ts';
export { CallerAuthorization, type CallerAuthorizationProps, type AuthorizationTarget, type ClientNetwork } from './policy/caller-authorization.ts';
export { HttpRateLimit, type HttpRateLimitProps } from './policy/http-rate-limit.ts';
export { EgressControl, type EgressControlProps } from './policy/egress-control.ts';
export { MirrorLink, type MirrorLinkProps, type LinkTarget } from './multicluster/mirror-link.ts';
export { LinkCredentials, type LinkCredentialsProps } from './multicluster/link-credentials.ts';
export { RemoteAccessPublisher, type RemoteAccessPublisherProps } from './multicluster/remote-access-publisher.ts';
export { MulticlusterValues, type MulticlusterValuesProps } from './multicluster/multicluster-values.ts';
export * as multiclusterNames from '../compat/multicluster-names.ts';
export { ClusterMesh, type ClusterMeshProps } from './cluster-mesh.ts';
export { ClusterRoutes, type ClusterRoutesProps } from './cluster-routes.ts';
export { ControlPlane, type ControlPlaneProps } from './control-plane.ts';
export { IdentityIssuer, type IdentityIssuerProps } from './identity-issuer.ts';
export { MeshNamespace, type MeshNamespaceProps } from './mesh-namespace.ts';
export { WebhookCertificates, type WebhookCertificatesProps } from './webhook-certificates.ts';
export { GatewayApiCrds, type GatewayApiCrdsProps } from './gateway-api-crds.ts';
export { MeshRoutes, type MeshRoutesProps } from './routes/mesh-routes.ts';
export { GammaHttpRoute, type GammaHttpRouteProps } from './routes/http-route.ts';
export { GammaGrpcRoute, type GammaGrpcRouteProps } from './routes/grpc-route.ts';
export { GammaTcpRoute, type GammaTcpRouteProps } from './routes/tcp-route.ts';
export { GammaTlsRoute, type GammaTlsRouteProps } from './routes/tls-route.ts';
export { MeshServices, type MeshServicesProps } from './routes/mesh-services.ts';
export { DeclaredService, type DeclaredServiceProps } from './routes/declared-service.ts';
