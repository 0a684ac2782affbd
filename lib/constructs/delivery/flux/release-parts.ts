// A HelmRelease with the OCIRepository it reads its chart from when the chart is in an OCI
// registry: what MeshRelease and ComponentRelease make, as constructs (the construct classes) or as
// plain objects (a cluster's GitOps files, as synth writes them, without a construct tree).
import type { Construct } from 'constructs';
import type { KubeObject } from '../../../model/kube-object.ts';
import { plainObjectJson } from '../../object-json.ts';
import { HelmRelease, helmReleaseObject, type HelmReleaseProps } from './helm-release.ts';
import { OCIRepository, ociRepositoryObject, type OCIRepositoryProps } from './oci-repository.ts';

export interface ReleaseParts {
  readonly oci?: OCIRepositoryProps;
  readonly release: HelmReleaseProps;
}

/** The parts as constructs under `scope`: the OCIRepository 'Chart' (when any) and the HelmRelease 'Release'. */
export function releaseConstructs(scope: Construct, { oci, release }: ReleaseParts): HelmRelease {
  if (oci) new OCIRepository(scope, 'Chart', oci);
  return new HelmRelease(scope, 'Release', release);
}

/** The parts' objects, in the order the constructs define them. */
export function releaseObjects({ oci, release }: ReleaseParts): KubeObject[] {
  return [...(oci ? [plainObjectJson(ociRepositoryObject(oci))] : []), plainObjectJson(helmReleaseObject(release))];
}
