import { buildFeatureSet, DatasetFrames, previewFeatures } from '../src/lib/app/features';
import { serveJobs } from '../src/lib/jobs/serve';
import { openStore, type Store } from '../src/lib/store';

// Kept open, with the last dataset decoded: previews re-run on every edit.
let opened: Promise<Store> | null = null;
const store = () => (opened ??= openStore());
const frames = new DatasetFrames();

serveJobs(self, {
  async preview(request) {
    return previewFeatures(await store(), frames, request);
  },
  async featureSet(request, job) {
    return buildFeatureSet(await store(), frames, request, {
      signal: job.signal,
      onProgress: job.progress
    });
  }
});
