export {
  schemaFor,
  loadedSchemaFiles,
  servedApiVersionsOf,
  sourceSetsFor,
  isKubernetesDuration,
  UNVERSIONED_SOURCE_SETS,
  type GatewayAPIChannel,
  type LinkerdSchemaVersion,
  type SchemaSources,
  type SchemaViolation,
  type ValidateFn,
} from './schema-registry.ts';
export { coreKindValidator, isCoreKind, objectMetaViolations } from './core-kinds.ts';
export { schemaSourcesKey, validateObjects, type KubeObject, type ObjectIssue } from './validate-objects.ts';
export { DELIVER_INSTEAD, describeSecretIssue, piecesClean, scanFiles, scanUnseenFiles, type SecretIssue, type WrappedFile } from './secret-scan.ts';
