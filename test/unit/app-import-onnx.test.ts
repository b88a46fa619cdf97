/**
 * Importing an ONNX file as the onnx worker does, on a real store (fake-indexeddb) and the real
 * onnxruntime-web (wasm, in node): files made elsewhere (scripts/make-onnx-import-fixtures.py)
 * and a Lathe export become versions that run; every bad file is refused with a message naming
 * it, and nothing is saved.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { importOnnx, KEPT_CHARS } from '../../src/lib/app/import-onnx';
import type { ImportOnnxRequest } from '../../src/lib/app/requests';
import { LatheError } from '../../src/lib/core/base/errors';
import type { Progress } from '../../src/lib/core/base/progress';
import { onnx } from '../../src/lib/core/onnx/proto';
import { READ_LIMITS } from '../../src/lib/core/onnx/read';
import { createSession, runSession } from '../../src/lib/core/onnx/runtime';
import type { FromWorker } from '../../src/lib/jobs/protocol';
import { serveJobs } from '../../src/lib/jobs/serve';
import { importedMetadata, openStore, type Store } from '../../src/lib/store';
import { nested } from './protobuf-bytes';

const DIR = 'test/fixtures/onnx-import';
const bytesOf = (name: string) => new Uint8Array(readFileSync(`${DIR}/${name}.onnx`));

const opened: Store[] = [];
afterEach(() => opened.splice(0).forEach((s) => s.close()));

async function freshStore() {
  const store = await openStore({ factory: new IDBFactory(), name: 'lathe-import-test' });
  opened.push(store);
  return store;
}

function request(bytes: Uint8Array, fileName: string): ImportOnnxRequest {
  return { file: new Blob([bytes as Uint8Array<ArrayBuffer>]), fileName };
}

async function refusal(store: Store, req: ImportOnnxRequest): Promise<LatheError> {
  const error = await importOnnx(store, req).then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(LatheError);
  return error as LatheError;
}

/** A Blob that says it is 2 GB and fails if anything reads it (nothing is allocated). */
class HugeBlob extends Blob {
  reads = 0;
  override get size() {
    return 2 * 1024 ** 3;
  }
  override slice(): Blob {
    this.reads++;
    throw new Error('read');
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    this.reads++;
    throw new Error('read');
  }
}

describe('importing a file made elsewhere', () => {
  it('registers it as a version that runs as numpy computed', async () => {
    const store = await freshStore();
    const progress: Progress[] = [];
    const result = await importOnnx(store, request(bytesOf('elsewhere-classifier'), 'iris.onnx'), {
      onProgress: (p) => progress.push(p)
    });
    expect(result.created).toBe(true);
    expect(result.notes).toEqual([]);
    const { record } = result;
    if (record.origin !== 'imported') throw new Error('expected an imported version');
    expect(record).toMatchObject({
      name: 'iris',
      fileName: 'iris.onnx',
      version: 1,
      unusableOutputs: [],
      graph: {
        producerName: 'python-onnx helper',
        inputs: [
          { name: 'measurements', kind: 'tensor', elementType: 'float', shape: ['N', 3] },
          { name: 'colour', kind: 'tensor', elementType: 'string', shape: ['N', 1] }
        ],
        outputs: [
          { name: 'label', kind: 'tensor', elementType: 'string', shape: ['N'] },
          { name: 'probabilities', kind: 'tensor', elementType: 'float', shape: ['N', 3] }
        ],
        // HTML in the file is kept as the text it is.
        docString: 'An <b>iris-like</b> classifier <script>alert("doc")</script>',
        clipped: []
      }
    });
    expect(importedMetadata(record)).toEqual({ ok: true, record: null });
    expect(progress.map((p) => p.phase)).toEqual([
      'Reading the file',
      'Checking the model',
      'Loading it in onnxruntime-web',
      'Saving',
      'Saved'
    ]);
    expect(progress.map((p) => p.fraction)).toEqual([...progress.map((p) => p.fraction)].sort());

    // The stored bytes are the file, and they predict what numpy computed for them.
    const { bytes } = await store.loadModelOnnx(record.id);
    expect(bytes).toEqual(bytesOf('elsewhere-classifier'));
    const expected = JSON.parse(readFileSync(`${DIR}/elsewhere-classifier.expected.json`, 'utf8'));
    const rows = expected.inputs.colour.length;
    const session = await createSession(bytes!);
    const out = await runSession(session, {
      measurements: {
        data: Float32Array.from(expected.inputs.measurements.flat()),
        dims: [rows, 3]
      },
      colour: { data: expected.inputs.colour, dims: [rows, 1] }
    });
    await session.release();
    expect(out.label.data).toEqual(expected.outputs.label);
    const probabilities = Array.from(out.probabilities.data as Float32Array);
    expected.outputs.probabilities.flat().forEach((p: number, i: number) => {
      expect(Math.abs(probabilities[i] - p)).toBeLessThan(1e-5);
    });
  });

  it('registers a Lathe export with its Lathe metadata', async () => {
    const store = await freshStore();
    const { record } = await importOnnx(
      store,
      request(bytesOf('lathe-penguins-logistic'), 'penguins-logistic.onnx')
    );
    if (record.origin !== 'imported') throw new Error('expected an imported version');
    expect(record.graph.producerName).toBe('lathe');
    const metadata = importedMetadata(record);
    if (!metadata.ok || !metadata.record) throw new Error('expected Lathe metadata');
    expect(metadata.record).toMatchObject({
      task: 'multiclass',
      model: 'logistic',
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
      outputs: ['label', 'probabilities']
    });
  });

  it('keeps a ZipMap classifier, without the output onnxruntime-web cannot return, and says so', async () => {
    const store = await freshStore();
    const { record, notes } = await importOnnx(
      store,
      request(bytesOf('zipmap-classifier'), 'logreg.onnx')
    );
    expect(record).toMatchObject({ origin: 'imported', unusableOutputs: ['output_probability'] });
    expect(notes).toEqual([
      `Output "output_probability" is a sequence (of maps, as ZipMap writes), not a tensor, and onnxruntime-web cannot return it: predictions use "output_label" only. For class probabilities, convert the model without ZipMap (skl2onnx: options={'zipmap': False}).`
    ]);
  });

  it('adds the same file once', async () => {
    const store = await freshStore();
    const first = await importOnnx(store, request(bytesOf('elsewhere-classifier'), 'a.onnx'));
    const again = await importOnnx(store, request(bytesOf('elsewhere-classifier'), 'b.onnx'));
    expect(again.created).toBe(false);
    expect(again.record).toEqual(first.record);
    expect(again.notes).toEqual([
      '"b.onnx" is already in the registry as v1 “a”; nothing was added.'
    ]);
    expect(await store.listModels()).toHaveLength(1);
  });

  it('keeps very long texts of a file in part, saying which and how long', async () => {
    const store = await freshStore();
    const model = onnx.ModelProto.decode(bytesOf('elsewhere-classifier'));
    model.docString = 'd'.repeat(KEPT_CHARS + 5);
    model.metadataProps = [{ key: 'notes', value: 'n'.repeat(KEPT_CHARS * 3) }];
    const { record } = await importOnnx(
      store,
      request(onnx.ModelProto.encode(model).finish(), 'long.onnx')
    );
    if (record.origin !== 'imported') throw new Error('expected an imported version');
    expect(record.graph.docString).toBe('d'.repeat(KEPT_CHARS));
    expect(record.graph.metadataProps).toEqual([{ key: 'notes', value: 'n'.repeat(KEPT_CHARS) }]);
    expect(record.graph.clipped).toEqual([
      { field: 'doc_string', length: KEPT_CHARS + 5 },
      { field: 'metadata_props "notes"', length: KEPT_CHARS * 3 }
    ]);
  });
});

describe('importing a bad file', () => {
  const good = bytesOf('elsewhere-classifier');

  const cases: [string, () => ImportOnnxRequest, string, RegExp][] = [
    [
      'truncated',
      () => request(good.subarray(0, good.length - 7), 'cut.onnx'),
      'ONNX_CORRUPT',
      /^"cut\.onnx" \(at byte [\d,]+ of [\d,]+\) is not a readable ONNX model: it is damaged, truncated or another kind of file/
    ],
    [
      'corrupted',
      () => {
        const bytes = good.slice();
        bytes.fill(0xff, 100, 140);
        return request(bytes, 'damaged.onnx');
      },
      'ONNX_CORRUPT',
      /^"damaged\.onnx" \(at byte [\d,]+ of [\d,]+\) is not a readable ONNX model/
    ],
    [
      'not ONNX',
      () => request(new TextEncoder().encode('a,b\n1,2\n'), 'data.csv'),
      'ONNX_NOT_ONNX',
      /^"data\.csv" is not an ONNX model: it looks like text \(CSV or JSON, perhaps\)\.$/
    ],
    [
      'nested thousands deep (protobufjs #2121)',
      () =>
        request(nested([7, ...Array.from({ length: 5000 }, () => [1, 5, 6]).flat()]), 'deep.onnx'),
      'ONNX_TOO_DEEP',
      /^"deep\.onnx" \(at byte [\d,]+ of [\d,]+\) nests messages more than 100 deep; no ONNX model does that, so it is not read\.$/
    ],
    [
      'an opset too new',
      () => request(bytesOf('opset-too-new'), 'new.onnx'),
      'ONNX_OPSET_UNSUPPORTED',
      /^"new\.onnx" uses opset 27 of ai\.onnx; onnxruntime-web runs up to opset 26\./
    ],
    [
      'an operator the wasm build lacks',
      () => request(bytesOf('unsupported-operator'), 'spectrum.onnx'),
      'ONNX_OPERATOR_UNSUPPORTED',
      /^"spectrum\.onnx" uses the operator Rfft \(com\.microsoft opset 1, node "spectrum"\), and onnxruntime-web's wasm build has no kernel for it/
    ],
    [
      'whose Lathe metadata is malformed',
      () => {
        const model = onnx.ModelProto.decode(bytesOf('lathe-penguins-logistic'));
        const lathe = model.metadataProps.find((p) => p.key === 'lathe')!;
        lathe.value = JSON.stringify({ ...JSON.parse(lathe.value ?? ''), task: 'clustering' });
        return request(onnx.ModelProto.encode(model).finish(), 'meta.onnx');
      },
      'ONNX_METADATA_INVALID',
      /^In "meta\.onnx", the model's Lathe metadata is malformed at task: /
    ],
    [
      'empty',
      () => request(new Uint8Array(0), 'empty.onnx'),
      'ONNX_EMPTY',
      /^"empty\.onnx" is empty\.$/
    ]
  ];

  for (const [what, make, code, message] of cases) {
    it(`refuses a file ${what}, naming it, and saves nothing`, async () => {
      const store = await freshStore();
      const error = await refusal(store, make());
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(await store.listModels()).toEqual([]);
    });
  }

  it('refuses a 2 GB file before reading a byte of it', async () => {
    const store = await freshStore();
    const file = new HugeBlob([]);
    const error = await refusal(store, { file, fileName: 'huge.onnx' });
    expect([error.code, error.message]).toEqual([
      'ONNX_TOO_LARGE',
      `"huge.onnx" is 2,048 MB; models up to ${READ_LIMITS.bytes / 1024 ** 2} MB can be read in the browser.`
    ]);
    expect(file.reads).toBe(0);
    expect(await store.listModels()).toEqual([]);
  });

  it('saves nothing when cancelled', async () => {
    const store = await freshStore();
    const cancel = new AbortController();
    cancel.abort();
    const error = await importOnnx(store, request(good, 'iris.onnx'), {
      signal: cancel.signal
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(await store.listModels()).toEqual([]);
  });
});

describe('the importOnnx job', () => {
  /** Posts one job to serveJobs over a MessageChannel, as the page does, and awaits its answer. */
  async function runJob(request: unknown, store: Store) {
    const { port1, port2 } = new MessageChannel();
    serveJobs(port2, { importOnnx: (req, job) => importOnnx(store, req, { signal: job.signal }) });
    const done = new Promise<FromWorker>((resolve) => {
      port1.onmessage = (event: MessageEvent<FromWorker>) => {
        if (event.data.type === 'done') resolve(event.data);
      };
    });
    port1.postMessage({ type: 'start', id: 1, kind: 'importOnnx', request });
    const answer = await done;
    port1.close();
    port2.close();
    return answer;
  }

  it('takes the file as a Blob and answers with the version, or an error as data', async () => {
    const store = await freshStore();
    const ok = await runJob(
      { file: new Blob([bytesOf('elsewhere-classifier')]), fileName: 'iris.onnx' },
      store
    );
    expect(ok).toMatchObject({ outcome: { ok: true, value: { created: true } } });
    const bad = await runJob(
      { file: new Blob([new Uint8Array([1, 2, 3])]), fileName: 'bad.onnx' },
      store
    );
    expect(bad).toMatchObject({ outcome: { ok: false, error: { code: 'ONNX_CORRUPT' } } });
    const notAFile = await runJob({ file: 'model.onnx', fileName: 'x.onnx' }, store);
    expect(notAFile).toMatchObject({
      outcome: { ok: false, error: { code: 'BAD_REQUEST', details: { path: 'file' } } }
    });
    expect(await store.listModels()).toHaveLength(1);
  });
});
