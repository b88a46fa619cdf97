import { tableFromIPC } from 'apache-arrow';
import { tableToFrame } from '../core/features/convert';
import type { FeatureSplits } from '../core/models/data';
import { SPLIT_NAMES, type Store } from '../store';

/** A feature set's three stored splits, as Frames. */
export async function loadFeatureSplits(
  store: Pick<Store, 'loadFeatureSplit'>,
  id: string
): Promise<Required<FeatureSplits>> {
  const [train, validation, test] = await Promise.all(
    SPLIT_NAMES.map(async (name) =>
      tableToFrame(tableFromIPC(await store.loadFeatureSplit(id, name)))
    )
  );
  return { train, validation, test };
}
