import { expose } from 'comlink';
import { tableFromIPC } from 'apache-arrow';
import { tableToCsv } from '../src/lib/core/data/export';
import { toErrorData } from '../src/lib/core/base/errors';
import type { JobOutcome } from '../src/lib/core/base/errors';
import { openStore } from '../src/lib/store';

const api = {
  async csv(id: unknown): Promise<JobOutcome<Blob>> {
    try {
      if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) throw new Error('bad dataset id');
      const store = await openStore();
      try {
        const table = tableFromIPC(await store.loadDatasetBytes(id));
        return {
          ok: true,
          value: new Blob([...tableToCsv(table)] as BlobPart[], { type: 'text/csv' })
        };
      } finally {
        store.close();
      }
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  }
};

export type ExportWorkerApi = typeof api;

expose(api);
