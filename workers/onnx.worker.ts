import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { importOnnx } from '../src/lib/app/import-onnx';
import { predictDataset } from '../src/lib/app/predict';
import { serveJobs } from '../src/lib/jobs/serve';
import { withStore } from '../src/lib/store';

serveJobs(self, {
  importOnnx: (request, job) =>
    withStore((store) =>
      importOnnx(store, request, {
        signal: job.signal,
        onProgress: job.progress,
        // The runtime's wasm, self-hosted with the app (never a CDN).
        runtime: { wasmPaths: { wasm: wasmUrl } }
      })
    ),
  predict: (request, job) =>
    withStore(async (store) => {
      const result = await predictDataset(
        store,
        request,
        { runtime: { wasmPaths: { wasm: wasmUrl } } },
        { signal: job.signal, onProgress: job.progress }
      );
      job.transfer(result.table.buffer);
      return result;
    })
});
