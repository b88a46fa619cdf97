import { exportCsv } from '../src/lib/app/export';
import { serveJobs } from '../src/lib/jobs/serve';
import { openStore } from '../src/lib/store';

serveJobs(self, {
  async exportCsv(request, job) {
    const store = await openStore();
    try {
      return await exportCsv(store, request, { signal: job.signal, onProgress: job.progress });
    } finally {
      store.close();
    }
  }
});
