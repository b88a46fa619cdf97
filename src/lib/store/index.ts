export { openStore, type DatasetMeta, type Store } from './store';
export type { DatasetRecord, DatasetSource, UnreadableDataset } from './records';
