import { ingestAndSave } from '../src/lib/app/ingest';
import { serveJobs } from '../src/lib/jobs/serve';
import { openStore } from '../src/lib/store';

serveJobs(self, {
  async ingest(request, job) {
    const store = await openStore();
    try {
      const result = await ingestAndSave(store, request, {
        signal: job.signal,
        onProgress: job.progress
      });
      job.transfer(result.ipc.buffer as ArrayBuffer);
      return result;
    } finally {
      store.close();
    }
  }
});
