import { exportCsv } from '../src/lib/app/export';
import { serveJobs } from '../src/lib/jobs/serve';
import { withStore } from '../src/lib/store';

serveJobs(self, {
  exportCsv: (request, job) =>
    withStore((store) =>
      exportCsv(store, request, { signal: job.signal, onProgress: job.progress })
    )
});
