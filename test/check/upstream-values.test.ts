// Values that reach an upstream chart template are refused, at their input pointer with a fix, when
// the template would not write them as meant (unquoted into YAML, into command-line flags, as a
// number). The accepted hostile cases are rendered with the real upstream chart in
// test/upstream/chart-injection.test.ts.
import { describe, expect, it } from 'vitest';
import { unknownValueKeys, upstreamValueProblems } from '../../lib/check/upstream-values.ts';
import { errorsOf } from '../support/fleet.ts';
import { twoNetworkFleet } from '../multicluster/support.ts';

type Json = Record<string, any>;

/** The gateway cluster of the two-network fleet is b1 (index 2). */
const GATEWAY = '/spec/clusters/2';
const INJECT = '\n  externalIPs: [6.6.6.6]\n  externalTrafficPolicy: Local';

interface Case {
  readonly label: string;
  readonly edit: (doc: Json) => void;
  readonly path: string;
  readonly message: RegExp;
}

const overrides = (values: Json) => (doc: Json) => (doc.spec.clusters[2].multicluster = { values });
const controlPlane = (values: Json) => (doc: Json) => (doc.spec.clusters[2].controlPlane = { values });
const gateway = (settings: Json) => (doc: Json) => Object.assign(doc.spec.clusters[2].gateway, settings);

const REFUSED: readonly Case[] = [
  // Finding 6: the gateway Service.
  { label: 'loadBalancerClass with YAML (multicluster.values)', edit: overrides({ gateway: { loadBalancerClass: `nlb${INJECT}` } }), path: `${GATEWAY}/multicluster/values/gateway/loadBalancerClass`, message: /is not a load balancer class/ },
  { label: 'loadBalancerClass with YAML (gateway setting)', edit: gateway({ loadBalancerClass: `nlb${INJECT}` }), path: `${GATEWAY}/gateway/loadBalancerClass`, message: /is not valid/ },
  { label: 'a source range with YAML (multicluster.values)', edit: overrides({ gateway: { loadBalancerSourceRanges: [`10.0.0.0/8${INJECT}`] } }), path: `${GATEWAY}/multicluster/values/gateway/loadBalancerSourceRanges/0`, message: /is not a CIDR/ },
  { label: 'a source range that is no CIDR (gateway setting)', edit: gateway({ loadBalancerSourceRanges: ['everyone'] }), path: `${GATEWAY}/gateway/loadBalancerSourceRanges/0`, message: /is not valid/ },
  { label: 'source ranges as a string', edit: overrides({ gateway: { loadBalancerSourceRanges: '10.0.0.0/8' } }), path: `${GATEWAY}/multicluster/values/gateway/loadBalancerSourceRanges`, message: /is not a list of CIDRs/ },
  { label: 'a probe path with YAML (multicluster.values)', edit: overrides({ gateway: { probe: { path: `/ready${INJECT}` } } }), path: `${GATEWAY}/multicluster/values/gateway/probe/path`, message: /is not an HTTP path/ },
  { label: 'a probe path with YAML (gateway setting)', edit: gateway({ probe: { path: `/ready${INJECT}` } }), path: `${GATEWAY}/gateway/probe/path`, message: /is not valid/ },
  { label: 'a service annotation with template syntax (gateway setting)', edit: gateway({ serviceAnnotations: { 'example.com/a': '{{ .Release.Name }}' } }), path: `${GATEWAY}/gateway/serviceAnnotations/example.com~1a`, message: /is not valid/ },
  { label: 'a service annotation with template syntax (multicluster.values)', edit: overrides({ gateway: { serviceAnnotations: { 'example.com/a': 'x }} {{ fail "no" }}' } } }), path: `${GATEWAY}/multicluster/values/gateway/serviceAnnotations/example.com~1a`, message: /is not a valid annotation value/ },
  { label: 'a service annotation key that is no name', edit: overrides({ gateway: { serviceAnnotations: { 'a: b\nexternalIPs': 'x' } } }), path: `${GATEWAY}/multicluster/values/gateway/serviceAnnotations`, message: /a key of this annotation map is not a qualified name/ },
  { label: 'a number as annotation value', edit: overrides({ gateway: { serviceAnnotations: { 'example.com/a': 5 } } }), path: `${GATEWAY}/multicluster/values/gateway/serviceAnnotations/example.com~1a`, message: /is not a valid annotation value/ },
  { label: 'a service type not in the enum', edit: overrides({ gateway: { serviceType: `LoadBalancer${INJECT}` } }), path: `${GATEWAY}/multicluster/values/gateway/serviceType`, message: /is not allowed/ },
  { label: 'a loadBalancerIP that is no address', edit: overrides({ gateway: { loadBalancerIP: '6.6.6.6\n  externalIPs: [6.6.6.6]' } }), path: `${GATEWAY}/multicluster/values/gateway/loadBalancerIP`, message: /is not an IP address/ },
  { label: 'a pause image with YAML', edit: overrides({ gateway: { pauseImage: 'pause\n        command: [sh]' } }), path: `${GATEWAY}/multicluster/values/gateway/pauseImage`, message: /is not an image reference/ },
  { label: 'a selector flag with a second flag', edit: overrides({ localServiceMirror: { federatedServiceSelector: 'a=b\n        - -kubeconfig=/x' } }), path: `${GATEWAY}/multicluster/values/localServiceMirror/federatedServiceSelector`, message: /is not a label selector/ },
  // Finding 9: wrong types.
  { label: 'replicas: five', edit: controlPlane({ controllerReplicas: 'five' }), path: `${GATEWAY}/controlPlane/values/controllerReplicas`, message: /"five" is not a whole number ≥ 0/ },
  { label: 'replicas: -2', edit: overrides({ gateway: { replicas: -2 } }), path: `${GATEWAY}/multicluster/values/gateway/replicas`, message: /-2 is not a whole number ≥ 0/ },
  { label: 'a port out of range', edit: overrides({ gateway: { port: 70000 } }), path: `${GATEWAY}/multicluster/values/gateway/port`, message: /not a whole number from 1 to 65535/ },
  { label: 'a nested map for a log level', edit: controlPlane({ proxy: { logLevel: { linkerd: 'debug' } } }), path: `${GATEWAY}/controlPlane/values/proxy/logLevel`, message: /is not a log level/ },
  { label: 'a nested map for the controller log level', edit: controlPlane({ controllerLogLevel: { a: 'b' } }), path: `${GATEWAY}/controlPlane/values/controllerLogLevel`, message: /is not a log level/ },
  { label: 'a controller entry log level with YAML', edit: overrides({ controllers: [{ link: { ref: { name: 'a1' } }, logLevel: 'info\n  x: y' }] }), path: `${GATEWAY}/multicluster/values/controllers/0/logLevel`, message: /is not a log level/ },
  { label: 'a boolean as a string', edit: controlPlane({ enableH2Upgrade: 'yes' }), path: `${GATEWAY}/controlPlane/values/enableH2Upgrade`, message: /is not true or false/ },
  { label: 'an image name with YAML', edit: controlPlane({ proxy: { image: { name: 'proxy\n  command: [sh]' } } }), path: `${GATEWAY}/controlPlane/values/proxy/image/name`, message: /is not an image repository/ },
  { label: 'an image tag with a space', edit: controlPlane({ linkerdVersion: 'edge-1 x' }), path: `${GATEWAY}/controlPlane/values/linkerdVersion`, message: /is not an image tag/ },
  { label: 'an untyped string written unquoted, with YAML', edit: controlPlane({ prometheusUrl: 'http://p:9090\n  extra: x' }), path: `${GATEWAY}/controlPlane/values/prometheusUrl`, message: /would change the YAML the chart writes/ },
  { label: 'an untyped string with template syntax', edit: controlPlane({ prometheusUrl: '{{ .Values.x }}' }), path: `${GATEWAY}/controlPlane/values/prometheusUrl`, message: /would change the YAML the chart writes/ },
  { label: 'template syntax in a free map (toYaml)', edit: controlPlane({ tolerations: [{ key: '{{ fail "x" }}', operator: 'Exists' }] }), path: `${GATEWAY}/controlPlane/values/tolerations/0/key`, message: /template syntax/ },
  { label: 'a map where the chart reads keys', edit: controlPlane({ proxy: 'debug' }), path: `${GATEWAY}/controlPlane/values/proxy`, message: /is not a map/ },
  { label: 'a heartbeat schedule of 99 99 99 99 99', edit: (doc) => (doc.spec.clusters[2].controlPlane = { heartbeatSchedule: '99 99 99 99 99' }), path: `${GATEWAY}/controlPlane/heartbeatSchedule`, message: /is not valid/ },
  { label: 'a heartbeat schedule with six fields', edit: (doc) => (doc.spec.clusters[2].controlPlane = { heartbeatSchedule: '0 0 1 1 1 1' }), path: `${GATEWAY}/controlPlane/heartbeatSchedule`, message: /is not valid/ },
];

describe('values that reach an upstream template', () => {
  it.each(REFUSED.map((c) => [c.label, c] as const))('refuses %s, at its pointer', (_label, c) => {
    const errors = errorsOf(twoNetworkFleet(c.edit));
    expect(errors.map(([path]) => path)).toStrictEqual([c.path]);
    expect(errors[0]![1]).toMatch(c.message);
  });

  it('names the layer that set a value (an environment), not the cluster that inherits it', () => {
    const errors = errorsOf(twoNetworkFleet((doc) => (doc.spec.environments.prod = { multicluster: { values: { gateway: { replicas: 'two' } } } })));
    expect(errors.map(([path]) => path)).toContain('/spec/environments/prod/multicluster/values/gateway/replicas');
  });

  it('accepts valid values of every typed kind', () => {
    const doc = twoNetworkFleet((d) => {
      Object.assign(d.spec.clusters[2].gateway, { loadBalancerClass: 'service.k8s.aws/nlb', loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'], serviceAnnotations: { 'example.com/note': 'a: b # c\n"d"' }, probe: { path: '/ready' } });
      d.spec.clusters[2].controlPlane = {
        heartbeatSchedule: '*/15 3,15 1-28/2 JAN-DEC 1-5',
        values: { controllerReplicas: 3, proxy: { logLevel: 'warn,linkerd=info', image: { name: 'cr.l5d.io/linkerd/proxy' } }, enableH2Upgrade: false, prometheusUrl: 'http://prometheus.monitoring:9090', podAnnotations: { 'example.com/json': '{"a": 1}' } },
      };
      d.spec.clusters[2].multicluster = { values: { gateway: { replicas: 2, loadBalancerIP: '203.0.113.7', terminationGracePeriodSeconds: 30 }, controllerDefaults: { logLevel: 'debug' } } };
    });
    expect(errorsOf(doc)).toStrictEqual([]);
  });
});

describe('the walk over final values (run for every cluster)', () => {
  it('checks a pointer again with each value: a type remembered for the pointer does not remember the verdict', () => {
    const tree = { controllerReplicas: true, controllerLogFormat: true } as const;
    expect(upstreamValueProblems('linkerd-control-plane', { controllerReplicas: 2, controllerLogFormat: 'json' }, tree)).toStrictEqual([]);
    const problems = upstreamValueProblems('linkerd-control-plane', { controllerReplicas: 'two', controllerLogFormat: 'xml' }, tree);
    expect(problems.map((problem) => problem.pointer)).toStrictEqual(['/controllerReplicas', '/controllerLogFormat']);
  });

  it('escapes "/" and "~" in the pointers of unknown keys, at any depth, in the values\' order', () => {
    const tree = { proxy: { image: { name: true } }, free: { '*': true } } as const;
    const values = { 'a/b': 1, proxy: { image: { name: 'x', 'c~d': 2 }, other: 3 }, free: { anything: 4 }, e: 5 };
    expect(unknownValueKeys(values, tree)).toStrictEqual(['/a~1b', '/proxy/image/c~0d', '/proxy/other', '/e']);
  });
});
