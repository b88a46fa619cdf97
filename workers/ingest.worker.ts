import { ingestAndSave } from '../src/lib/app/ingest';
import { serveJobs } from '../src/lib/jobs/serve';
import { withStore } from '../src/lib/store';

serveJobs(self, {
  ingest: (request, job) =>
    withStore(async (store) => {
      const result = await ingestAndSave(store, request, {
        signal: job.signal,
        onProgress: job.progress
      });
      job.transfer(result.ipc.buffer as ArrayBuffer);
      return result;
    })
});
