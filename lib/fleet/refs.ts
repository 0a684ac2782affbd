// How constructs name each other: by reference (a Cluster, an Environment), as cdk8s-plus and aws-cdk do.
// A name string is still accepted where the referenced construct may not exist in TypeScript (a cluster
// of an environment with no settings of its own, a caller on a cluster of another fleet).

/** A cluster of the fleet (a Cluster made by fleet.addCluster). */
export interface ICluster {
  readonly name: string;
}

/** An environment of the fleet (an Environment made by fleet.addEnvironment). */
export interface IEnvironment {
  readonly name: string;
}

/** The name of a referenced cluster or environment. */
export function nameOf(ref: ICluster | IEnvironment | string): string {
  return typeof ref === 'string' ? ref : ref.name;
}

/** The names of referenced clusters or environments, in order. */
export function namesOf(refs: readonly (ICluster | IEnvironment | string)[]): string[] {
  return refs.map(nameOf);
}
