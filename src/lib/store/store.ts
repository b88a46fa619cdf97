import { aliasMethods, type AliasMethods } from './aliases';
import { datasetMethods, type DatasetMethods } from './datasets';
import { openDatabase } from './db';
import { featureSetMethods, type FeatureSetMethods } from './featuresets';
import { modelMethods, type ModelMethods } from './models';
import { predictionMethods, type PredictionMethods } from './predictions';
import { settingMethods, type SettingMethods } from './settings';

export { STORE_DB_NAME } from './db';
export type { DatasetMeta } from './datasets';

/**
 * The app's IndexedDB: one module per artifact kind (datasets.ts, featuresets.ts, models.ts,
 * aliases.ts, settings.ts, predictions.ts) over the shared machinery of db.ts (upgrades, locks, change events,
 * verified bytes, quota errors). A new kind adds its module and its methods here.
 */
export interface Store
  extends
    DatasetMethods,
    FeatureSetMethods,
    ModelMethods,
    AliasMethods,
    SettingMethods,
    PredictionMethods {
  estimate(): Promise<{ usage: number; quota: number } | null>;
  /** Fires after any change to the store, from this tab or another; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
  close(): void;
}

export async function openStore(
  options: { factory?: IDBFactory; name?: string } = {}
): Promise<Store> {
  const database = await openDatabase(options);
  return {
    ...datasetMethods(database),
    ...featureSetMethods(database),
    ...modelMethods(database),
    ...aliasMethods(database),
    ...settingMethods(database),
    ...predictionMethods(database),
    estimate: database.estimate,
    onChange: database.onChange,
    close: database.close
  };
}

/** Opens the store for one piece of work (a job in a worker) and closes it afterwards. */
export async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore();
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
