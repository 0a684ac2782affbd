// The same objects as the mesh chart, as plain YAML with a kustomization.yaml (kustomize-ready).
import { documentsOf, type ObjectFile } from '../model/kube-object.ts';
import { toYaml } from './yaml.ts';

/** Multi-document YAML per object file, in file order. */
export function objectYaml(objectFiles: readonly ObjectFile[]): Map<string, string> {
  return new Map(objectFiles.map((file) => [file.name, documentsOf(file, toYaml)]));
}

export function manifestFiles(objectYamlFiles: ReadonlyMap<string, string>): Map<string, string> {
  const files = new Map(objectYamlFiles);
  files.set(
    'kustomization.yaml',
    toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...objectYamlFiles.keys()] }),
  );
  return files;
}
