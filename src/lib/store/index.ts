export { openStore, STORE_DB_NAME, withStore, type DatasetMeta, type Store } from './store';
export type { DatasetRecord, DatasetSource, UnreadableDataset } from './records';
export {
  SPLIT_NAMES,
  type FeatureSetRecord,
  type SplitName,
  type StoredSplit,
  type UnreadableFeatureSet
} from './featuresets';
export {
  ALIAS_PATTERN,
  type AliasRecord,
  type ImportedModelMeta,
  type ImportedModelRecord,
  type ModelMeta,
  type ModelRecord,
  type OnnxChecks,
  type OnnxFile,
  type OnnxRefusal,
  type RegistryRecord,
  type UnreadableModel
} from './models';
export {
  RETENTION_KEY,
  type LoggedPredictions,
  type PredictionBatchMeta,
  type PredictionBatchRecord,
  type PredictionColumn,
  type PredictionFilter,
  type PredictionRetention,
  type PredictionSource,
  type UnreadablePredictionBatch
} from './predictions';
export {
  importedMetadata,
  modelHistory,
  modelNetwork,
  modelReport,
  modelTask
} from './model-views';
