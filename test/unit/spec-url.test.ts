import { deflateRawSync } from 'node:zlib';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeDataset } from '../../src/lib/core/data/identity';
import { ingest } from '../../src/lib/core/data/ingest';
import { LatheError } from '../../src/lib/core/base/errors';
import { type ColumnType } from '../../src/lib/core/data/types';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import {
  decodeSpecFromFragment,
  encodeSpecToFragment,
  fromBase64Url,
  MAX_FRAGMENT_CHARS,
  MAX_LINK_BYTES,
  toBase64Url
} from '../../src/lib/core/pipeline/url';
import type { DatasetRecord } from '../../src/lib/store';
import {
  findLinkedDataset,
  linkMatch,
  openSharedSpec,
  rebindSpec,
  specSourceOf
} from '../../src/lib/ui/features/links';
import { baseSpec, fixtureKinds, fixtures, testKinds } from '../fixtures/pipelines/kinds';

const kinds = testKinds;

function linkOf(json: string, v = '1'): string {
  return `p=${toBase64Url(deflateSync(new TextEncoder().encode(json)))}&v=${v}`;
}

function codeOf(fragment: string): string {
  try {
    decodeSpecFromFragment(fragment, { kinds });
  } catch (error) {
    expect(error).toBeInstanceOf(LatheError);
    return (error as LatheError).code;
  }
  throw new Error('expected the link to be refused');
}

describe('base64url', () => {
  it('round-trips every length and byte value', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n * 11) & 255);
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });
});

describe('spec links', () => {
  it('round-trip every example spec: spec → URL → spec and spec → JSON → spec', () => {
    const options = { kinds: fixtureKinds() };
    for (const { file, json } of fixtures) {
      const spec = parseSpec(json, options);
      const fragment = encodeSpecToFragment(spec, options);
      expect(fragment, file).toMatch(/^p=[A-Za-z0-9_-]+&v=1$/);
      expect(fragment.length, file).toBeLessThan(MAX_LINK_BYTES);
      const back = decodeSpecFromFragment('#' + fragment, options);
      expect(back).toEqual(spec);
      expect(JSON.stringify(back)).toBe(JSON.stringify(spec));
      const viaFile = parseSpec(JSON.parse(JSON.stringify(spec, null, 2)), options);
      expect(JSON.stringify(viaFile)).toBe(JSON.stringify(spec));
    }
  });

  it('carries the model and train sections through links and JSON files', () => {
    const options = { kinds: fixtureKinds() };
    const trained = fixtures.filter(({ json }) => 'model' in (json as object));
    expect(trained.length).toBeGreaterThanOrEqual(3);
    expect(fixtures.some(({ json }) => !('model' in (json as object)))).toBe(true);
    const spec = {
      ...baseSpec(),
      model: {
        type: 'mlp',
        hiddenLayers: [128, 64, 32],
        activation: 'tanh',
        dropout: 0.25,
        l2: 1e-4
      },
      train: {
        optimizer: 'sgd' as const,
        learningRate: 0.0125,
        batchSize: 1024,
        epochs: 10_000,
        earlyStopping: { patience: 7, minDelta: 1e-5 },
        classWeight: { 'label with spaces & ünïcode': 2.5, other: 0.5 },
        seed: 4294967295,
        backend: 'webgpu' as const
      }
    };
    const back = decodeSpecFromFragment(encodeSpecToFragment(spec, { kinds }), { kinds });
    expect(back).toEqual(spec);
    expect(JSON.stringify(back)).toBe(JSON.stringify(parseSpec(spec, { kinds })));
    expect(parseSpec(JSON.parse(JSON.stringify(back)), { kinds })).toEqual(spec);
    for (const { json } of trained) {
      const parsed = parseSpec(json, options);
      const link = decodeSpecFromFragment(encodeSpecToFragment(parsed, options), options);
      expect(link.model).toEqual((json as { model: unknown }).model);
      expect(link.train).toEqual((json as { train?: unknown }).train);
    }
  });

  it('encodes deterministically and ignores unrelated fragment fields', () => {
    const spec = baseSpec();
    const fragment = encodeSpecToFragment(spec, { kinds });
    expect(encodeSpecToFragment(parseSpec(spec, { kinds }), { kinds })).toBe(fragment);
    expect(decodeSpecFromFragment(`stage=features&${fragment}`, { kinds })).toEqual(spec);
    const escaped = fragment.replace(/=/g, '%3D').replace('&', '%26');
    expect(decodeSpecFromFragment(escaped, { kinds })).toEqual(spec);
    expect(codeOf('p=%E0%A4%A&v=1')).toBe('LINK_CORRUPT');
  });

  it('refuses to encode an invalid spec', () => {
    expect(() => encodeSpecToFragment(baseSpec({ target: '' }), { kinds })).toThrow(/target/);
  });

  it('reports long links so the UI can offer a .json download instead', () => {
    const columns = Array.from(
      { length: 2000 },
      (_, i) => `column_${i.toString(36)}_${(i * 7919) % 1000}`
    );
    const fragment = encodeSpecToFragment(baseSpec({ steps: [{ type: 'center', columns }] }), {
      kinds
    });
    expect(fragment.length).toBeGreaterThan(MAX_LINK_BYTES);
    expect(decodeSpecFromFragment(fragment, { kinds }).steps[0].columns).toEqual(columns);
  });
});

describe('hostile links', () => {
  const good = JSON.stringify(baseSpec());

  it('corrupt base64', () => {
    expect(codeOf('p=abc$def&v=1')).toBe('LINK_CORRUPT');
    expect(codeOf('p=abcde&v=1')).toBe('LINK_CORRUPT');
    expect(codeOf('p=%20%20&v=1')).toBe('LINK_CORRUPT');
  });

  it('corrupt or truncated deflate data, and non-JSON content', () => {
    const fragment = linkOf(good);
    const payload = fragment.slice(2, fragment.indexOf('&'));
    expect(codeOf(`p=${payload.slice(0, payload.length >> 1)}&v=1`)).toBe('LINK_CORRUPT');
    expect(codeOf(`p=${toBase64Url(Uint8Array.of(0xff, 0xff, 0xff, 0xff))}&v=1`)).toBe(
      'LINK_CORRUPT'
    );
    expect(codeOf(linkOf('{"version": 1,'))).toBe('LINK_CORRUPT');
    const latin1 = deflateSync(Uint8Array.of(0x22, 0xe9, 0x22));
    expect(codeOf(`p=${toBase64Url(latin1)}&v=1`)).toBe('LINK_CORRUPT');
  });

  it('a deflate bomb stops at the cap without inflating it all', () => {
    const bomb = deflateRawSync(new Uint8Array(32 * 1024 * 1024).fill(32), { level: 9 });
    const fragment = `p=${toBase64Url(bomb)}&v=1`;
    expect(fragment.length).toBeLessThan(MAX_FRAGMENT_CHARS);
    const before = process.memoryUsage().arrayBuffers;
    expect(codeOf(fragment)).toBe('LINK_TOO_LARGE');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('an over-long fragment is refused before decoding', () => {
    expect(codeOf(`p=${'A'.repeat(MAX_FRAGMENT_CHARS)}&v=1`)).toBe('LINK_TOO_LARGE');
  });

  it('missing, unknown and future versions', () => {
    const fragment = linkOf(good);
    expect(codeOf(fragment.replace('&v=1', ''))).toBe('LINK_CORRUPT');
    expect(codeOf(fragment.replace('v=1', 'v=x'))).toBe('LINK_CORRUPT');
    expect(codeOf(fragment.replace('v=1', 'v=0'))).toBe('LINK_CORRUPT');
    expect(codeOf(fragment + '&v=1')).toBe('LINK_CORRUPT');
    expect(codeOf(fragment.replace('v=1', 'v=2'))).toBe('LINK_FUTURE_VERSION');
    expect(codeOf(linkOf(JSON.stringify({ ...baseSpec(), version: 9 })))).toBe(
      'LINK_FUTURE_VERSION'
    );
    expect(codeOf('v=1')).toBe('LINK_CORRUPT');
  });

  it('__proto__ keys', () => {
    const polluted = good.replace('"steps":[{', '"steps":[{"__proto__":{"isAdmin":true},');
    expect(polluted).not.toBe(good);
    expect(codeOf(linkOf(polluted))).toBe('SPEC_INVALID');
    expect(codeOf(linkOf('{"__proto__":{"x":1},"version":1}'))).toBe('SPEC_INVALID');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('an unknown step type', () => {
    const spec = { ...baseSpec(), steps: [{ type: 'runShell', command: 'rm -rf /' }] };
    try {
      decodeSpecFromFragment(linkOf(JSON.stringify(spec)), { kinds });
      expect.unreachable();
    } catch (error) {
      expect((error as LatheError).code).toBe('SPEC_INVALID');
      expect((error as LatheError).message).toContain('unknown step type "runShell"');
    }
  });
});

describe('links to local files', () => {
  const csv = (lines: string[]) => new Blob([lines.join('\n') + '\n']);
  const shop = [
    'size,zip,price',
    ...Array.from({ length: 30 }, (_, i) => `${i % 4},${11000 + i},${i * 1.5}`)
  ];

  /** A saved dataset as the store would keep it after reading `file` (with some types forced). */
  async function saved(
    file: Blob,
    columnTypes?: Record<string, ColumnType>,
    version?: number
  ): Promise<DatasetRecord> {
    const { table, report, sourceHash } = await ingest(file, { fileName: 'shop.csv', columnTypes });
    const { hash, bytes } = await encodeDataset(table);
    return {
      id: hash,
      hash,
      name: 'shop',
      source: { kind: 'file', fileName: 'shop.csv' },
      schema: report.columns,
      rows: table.numRows,
      bytes: bytes.byteLength,
      profile: { rows: table.numRows, columns: [] },
      report,
      createdAt: 1,
      sourceHash,
      ...(columnTypes ? { columnTypes } : {}),
      ...(version ? { version } : {})
    };
  }

  function shared(record: DatasetRecord) {
    const spec = parseSpec(
      {
        ...baseSpec(),
        source: specSourceOf(record),
        target: 'price',
        task: 'regression',
        steps: []
      },
      { kinds }
    );
    return decodeSpecFromFragment(encodeSpecToFragment(spec, { kinds }), { kinds });
  }

  it('a link made before a change in type inference still finds the same file by its source hash', async () => {
    // "Before": this version read zip as text; "after" it reads it as numbers. Same file.
    const before = await saved(csv(shop), { zip: 'categorical' });
    const after = await saved(csv(shop));
    expect(after.hash).not.toBe(before.hash);
    const spec = shared(before);
    expect(spec.source).toMatchObject({
      kind: 'file',
      hash: before.hash,
      sourceHash: before.sourceHash
    });

    expect(linkMatch(spec.source, after)).toBe('same-file');
    expect(findLinkedDataset(spec.source, [after])).toBe(after);
    const opened = rebindSpec(spec, after);
    expect(opened.source).toMatchObject({ hash: after.hash, sourceHash: after.sourceHash });
    expect(opened.steps).toEqual(spec.steps);

    const edited = await saved(csv([...shop.slice(0, -1), '1,11999,9999']));
    expect(linkMatch(spec.source, edited)).toBeNull();
    expect(findLinkedDataset(spec.source, [edited])).toBeNull();
  });

  it('prefers the reading with the link’s column types, and the very same data above all', async () => {
    const plain = await saved(csv(shop));
    const retyped = await saved(csv(shop), { zip: 'categorical' }, 2);
    const spec = shared(retyped);
    expect(spec.source.columnTypes).toEqual({ zip: 'categorical' });
    expect(findLinkedDataset(spec.source, [plain, retyped])).toBe(retyped);
    const { hash: _hash, ...rest } = spec.source;
    const sameFileOnly = { ...rest, hash: 'f'.repeat(64) };
    expect(findLinkedDataset(sameFileOnly, [plain, retyped])).toBe(retyped);
    expect(findLinkedDataset({ ...sameFileOnly, columnTypes: undefined }, [retyped, plain])).toBe(
      plain
    );
  });

  it('still accepts links from before source hashes, by the dataset hash alone', async () => {
    const record = await saved(csv(shop));
    const old = shared({ ...record, sourceHash: undefined });
    expect(old.source.sourceHash).toBeUndefined();
    expect(findLinkedDataset(old.source, [record])).toBe(record);
    expect(linkMatch(old.source, record)).toBe('same-data');
    // The reopened pipeline now carries the source hash for the next link.
    expect(rebindSpec(old, record).source.sourceHash).toBe(record.sourceHash);
    const retyped = await saved(csv(shop), { zip: 'categorical' });
    expect(findLinkedDataset(old.source, [retyped])).toBeNull();
  });

  it('a shared sample is loaded with the column types its author chose', async () => {
    const record = await saved(csv(shop), { zip: 'categorical' });
    const spec = parseSpec(
      {
        ...baseSpec(),
        source: {
          kind: 'sample',
          hash: record.hash,
          name: 'shop',
          sampleId: 'shop',
          sourceHash: record.sourceHash,
          columnTypes: { zip: 'categorical' }
        },
        target: 'price',
        task: 'regression',
        steps: []
      },
      { kinds }
    );
    const asked: unknown[] = [];
    const outcome = await openSharedSpec(spec, {
      samples: [
        {
          id: 'shop',
          name: 'shop',
          file: 'shop.csv',
          task: 'regression',
          target: 'price',
          rows: 30,
          columns: 3,
          description: '',
          source: '',
          license: ''
        }
      ],
      error: null,
      async importSample(_sample, columnTypes) {
        asked.push(columnTypes);
        return record;
      },
      async importUrl() {
        return null;
      }
    });
    expect(asked).toEqual([{ zip: 'categorical' }]);
    expect(outcome).toEqual({ kind: 'ok', record });
  });
});
