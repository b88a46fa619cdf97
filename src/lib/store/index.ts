export { openStore, type DatasetMeta, type Store } from './store';
export type { DatasetRecord, DatasetSource, UnreadableDataset } from './records';
export {
  SPLIT_NAMES,
  type FeatureSetRecord,
  type SplitName,
  type StoredSplit,
  type UnreadableFeatureSet
} from './featuresets';
export { ALIAS_PATTERN, type AliasRecord, type ModelRecord, type UnreadableModel } from './models';
