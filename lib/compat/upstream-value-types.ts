// What the upstream Linkerd chart templates do with the values meshfleet sets or accepts, as types.
// Read from the templates of linkerd-control-plane (templates/*.yaml and charts/partials) and
// linkerd-multicluster (templates/gateway.yaml, controller/, local-service-mirror.yaml) of
// stable-2.18 to edge-26.8.3: most scalars are written unquoted (`replicas: {{.Values.x}}`,
// `loadBalancerClass: {{ .Values.gateway.loadBalancerClass }}`, `- {{ . }}` for source ranges), so a
// value that is not of its type breaks the object or adds fields to it. Maps written with toYaml
// (annotations, labels, affinity, resources) are YAML-safe but reach Kubernetes fields of their own.
// Keys that are not listed and sit below a free map are YAML-safe; other string leaves are checked
// as unquoted plain scalars (lib/check/upstream-values.ts).
import { DNS_LABEL, DNS_NAME, DURATION, IMAGE_NAME, IMAGE_REF, IMAGE_TAG, LOG_LEVEL, QUALIFIED_NAME, URL_PATH } from './value-patterns.ts';
import { ACCESS_POLICIES } from './access-policies.ts';
import type { UpstreamChart } from './upstream-values.ts';

export type ValueType =
  | { readonly type: 'integer'; readonly min: number; readonly max?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'string'; readonly pattern: string; readonly what: string; readonly example: string; readonly empty?: boolean }
  | { readonly type: 'cidrs' }
  | { readonly type: 'ip' }
  /** Annotations or labels: qualified-name keys, string values (labels: label syntax). */
  | { readonly type: 'metadata'; readonly labels: boolean }
  | { readonly type: 'integerOrPercent' }
  /** Written as an indented block (`| nindent`): any lines, no template syntax. */
  | { readonly type: 'block' };

const int = (min = 0, max?: number): ValueType => ({ type: 'integer', min, ...(max !== undefined ? { max } : {}) });
const port: ValueType = int(1, 65535);
const bool: ValueType = { type: 'boolean' };
const oneOf = (...values: string[]): ValueType => ({ type: 'enum', values });
const text = (pattern: string, what: string, example: string, empty = false): ValueType => ({ type: 'string', pattern, what, example, empty });

const logLevel = text(LOG_LEVEL, 'a log level', 'info (or "warn,linkerd=info")');
const logFormat = oneOf('plain', 'json');
const pullPolicy = oneOf('Always', 'IfNotPresent', 'Never');
const image = text(IMAGE_NAME, 'an image repository', 'cr.l5d.io/linkerd/controller');
const tag = text(IMAGE_TAG, 'an image tag', 'edge-26.8.3');
const annotations: ValueType = { type: 'metadata', labels: false };
const labels: ValueType = { type: 'metadata', labels: true };
const priorityClass = text(DNS_NAME, 'a PriorityClass name', 'system-cluster-critical', true);
const duration = text(DURATION, 'a duration', '24h0m0s');

/** Control plane (linkerd-control-plane); JSON pointers, `*` for any list index. */
const CONTROL_PLANE: Readonly<Record<string, ValueType>> = {
  '/identityTrustAnchorsPEM': { type: 'block' },
  '/controllerReplicas': int(),
  '/controllerUID': int(),
  '/controllerGID': int(),
  '/revisionHistoryLimit': int(),
  '/controllerLogLevel': logLevel,
  '/controllerLogFormat': logFormat,
  '/controllerImage': image,
  '/controllerImageVersion': { ...tag, empty: true } as ValueType,
  '/linkerdVersion': tag,
  '/imagePullPolicy': pullPolicy,
  '/priorityClassName': priorityClass,
  '/webhookFailurePolicy': oneOf('Ignore', 'Fail'),
  '/enableH2Upgrade': bool,
  '/enableEndpointSlices': bool,
  '/enablePprof': bool,
  '/enablePodAntiAffinity': bool,
  '/enablePodDisruptionBudget': bool,
  '/controller/podDisruptionBudget/maxUnavailable': { type: 'integerOrPercent' },
  '/identity/kubeAPI/clientQPS': int(),
  '/identity/kubeAPI/clientBurst': int(),
  '/identity/issuer/issuanceLifetime': duration,
  '/identity/issuer/clockSkewAllowance': duration,
  '/egress/globalEgressNetworkNamespace': text(DNS_LABEL, 'a namespace name', 'linkerd-egress'),
  '/policyController/logLevel': logLevel,
  '/proxy/logLevel': logLevel,
  '/proxy/logFormat': logFormat,
  '/proxy/uid': int(),
  '/proxy/gid': int(),
  '/proxy/image/name': image,
  '/proxy/image/version': { ...tag, empty: true } as ValueType,
  '/proxy/image/pullPolicy': { type: 'enum', values: ['', 'Always', 'IfNotPresent', 'Never'] },
  '/proxy/ports/admin': port,
  '/proxy/ports/control': port,
  '/proxy/ports/inbound': port,
  '/proxy/ports/outbound': port,
  '/proxy/defaultInboundPolicy': oneOf(...ACCESS_POLICIES),
  '/proxy/startupProbe/initialDelaySeconds': int(),
  '/proxy/startupProbe/periodSeconds': int(1),
  '/proxy/startupProbe/failureThreshold': int(1),
  '/proxy/readinessProbe/initialDelaySeconds': int(),
  '/proxy/readinessProbe/timeoutSeconds': int(1),
  '/proxy/livenessProbe/initialDelaySeconds': int(),
  '/proxy/livenessProbe/timeoutSeconds': int(1),
  '/proxyInit/logLevel': logLevel,
  '/proxyInit/logFormat': logFormat,
  '/proxyInit/runAsUser': int(),
  '/proxyInit/runAsGroup': int(),
  '/proxyInit/image/name': image,
  '/proxyInit/image/version': tag,
  '/proxyInjector/timeoutSeconds': int(1, 30),
  '/debugContainer/image/name': image,
  '/debugContainer/image/version': { ...tag, empty: true } as ValueType,
  '/networkValidator/logLevel': logLevel,
  '/networkValidator/logFormat': logFormat,
  '/networkValidator/timeout': duration,
  '/podAnnotations': annotations,
  '/podLabels': labels,
  '/commonLabels': labels,
  '/destinationController/podAnnotations': annotations,
  '/identity/podAnnotations': annotations,
  '/proxyInjector/podAnnotations': annotations,
  '/podMonitor/labels': labels,
  '/nodeSelector': labels,
};

/** The settings of a Link controller, in controllerDefaults and in each controllers[] entry. */
const controllerSettings = (at: string): Record<string, ValueType> => ({
  [`${at}/replicas`]: int(),
  [`${at}/logLevel`]: logLevel,
  [`${at}/logFormat`]: logFormat,
  [`${at}/retryLimit`]: int(),
  [`${at}/enableHeadlessServices`]: bool,
  [`${at}/enableNamespaceCreation`]: bool,
  [`${at}/enablePprof`]: bool,
  [`${at}/UID`]: int(),
  [`${at}/GID`]: int(),
  [`${at}/image/name`]: image,
  [`${at}/image/version`]: { ...tag, empty: true } as ValueType,
  [`${at}/image/pullPolicy`]: { type: 'enum', values: ['', 'Always', 'IfNotPresent', 'Never'] },
  [`${at}/gateway/enabled`]: bool,
  [`${at}/gateway/probe/port`]: port,
  [`${at}/nodeSelector`]: labels,
  [`${at}/podAnnotations`]: annotations,
});

/** linkerd-multicluster. */
const MULTICLUSTER: Readonly<Record<string, ValueType>> = {
  '/linkerdNamespace': text(DNS_LABEL, 'a namespace name', 'linkerd'),
  '/linkerdVersion': tag,
  '/controllerImage': image,
  '/controllerImageVersion': { ...tag, empty: true } as ValueType,
  '/controllerUID': int(),
  '/controllerGID': int(),
  '/controllerLogLevel': logLevel,
  '/controllerLogFormat': logFormat,
  '/controllerReplicas': int(),
  '/revisionHistoryLimit': int(),
  '/imagePullPolicy': pullPolicy,
  '/priorityClassName': priorityClass,
  '/enablePodAntiAffinity': bool,
  '/enablePSP': bool,
  '/remoteMirrorServiceAccount': bool,
  '/controller/podDisruptionBudget/maxUnavailable': { type: 'integerOrPercent' },
  '/gateway/enabled': bool,
  '/gateway/name': text(DNS_LABEL, 'a gateway name', 'linkerd-gateway'),
  '/gateway/replicas': int(),
  '/gateway/port': port,
  '/gateway/nodePort': int(0, 65535),
  '/gateway/healthCheckNodePort': int(0, 65535),
  '/gateway/serviceType': oneOf('LoadBalancer', 'NodePort', 'ClusterIP'),
  '/gateway/serviceExternalTrafficPolicy': { type: 'enum', values: ['', 'Cluster', 'Local'] },
  '/gateway/loadBalancerClass': text(QUALIFIED_NAME, 'a load balancer class', 'service.k8s.aws/nlb', true),
  '/gateway/loadBalancerIP': { type: 'ip' },
  '/gateway/loadBalancerSourceRanges': { type: 'cidrs' },
  '/gateway/probe/path': text(URL_PATH, 'an HTTP path', '/ready'),
  '/gateway/probe/port': port,
  '/gateway/probe/nodePort': int(0, 65535),
  '/gateway/probe/seconds': int(1),
  '/gateway/terminationGracePeriodSeconds': int(),
  '/gateway/UID': int(),
  '/gateway/GID': int(),
  '/gateway/pauseImage': text(IMAGE_REF, 'an image reference', 'gcr.io/google_containers/pause:3.2'),
  '/gateway/serviceAnnotations': annotations,
  '/gateway/deploymentAnnotations': annotations,
  '/gateway/nodeSelector': labels,
  '/localServiceMirror/replicas': int(),
  '/localServiceMirror/UID': int(),
  '/localServiceMirror/GID': int(),
  '/localServiceMirror/logLevel': logLevel,
  '/localServiceMirror/logFormat': logFormat,
  '/localServiceMirror/serviceMirrorRetryLimit': int(),
  '/localServiceMirror/image/name': image,
  '/localServiceMirror/image/version': { ...tag, empty: true } as ValueType,
  // Written into command-line flags (`-excluded-labels={{…}}`): comma-separated label keys and a label selector.
  '/localServiceMirror/excludedLabels': text('^[-A-Za-z0-9_./,*]*$', 'a comma-separated list of label keys', 'example.com/a,example.com/b', true),
  '/localServiceMirror/excludedAnnotations': text('^[-A-Za-z0-9_./,*]*$', 'a comma-separated list of annotation keys', 'example.com/a', true),
  '/localServiceMirror/federatedServiceSelector': text('^[-A-Za-z0-9_./,=!() ]*$', 'a label selector', 'mirror.linkerd.io/federated=member', true),
  '/namespaceMetadata/image/registry': text('^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$', 'an image registry', 'cr.l5d.io/linkerd'),
  '/namespaceMetadata/image/name': text('^[a-z0-9]+([._-][a-z0-9]+)*$', 'an image name', 'extension-init'),
  '/namespaceMetadata/image/tag': tag,
  '/namespaceMetadata/nodeSelector': labels,
  '/podAnnotations': annotations,
  '/podLabels': labels,
  '/commonLabels': labels,
  ...controllerSettings('/controllerDefaults'),
  ...controllerSettings('/controllers/*'),
};

const TYPES: Readonly<Record<'linkerd-control-plane' | 'linkerd-multicluster', Readonly<Record<string, ValueType>>>> = {
  'linkerd-control-plane': CONTROL_PLANE,
  'linkerd-multicluster': MULTICLUSTER,
};

/** The type of the value at `pointer` (list indexes as numbers) in a chart's values, if the table knows it. */
export function upstreamValueType(chart: UpstreamChart, pointer: string): ValueType | undefined {
  if (chart === 'linkerd-crds') return undefined;
  return TYPES[chart][pointer.replace(/\/[0-9]+(?=\/|$)/g, '/*')];
}
