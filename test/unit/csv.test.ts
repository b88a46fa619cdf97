import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/lib/core/data/ingest';
import { LatheError } from '../../src/lib/core/base/errors';
import { type ColumnType, type IngestOptions } from '../../src/lib/core/data/types';

const enc = new TextEncoder();

async function read(
  content: string | Uint8Array,
  fileName = 'data.csv',
  options: Partial<IngestOptions> = {}
) {
  const bytes = typeof content === 'string' ? enc.encode(content) : content;
  return ingest(new Blob([bytes as Uint8Array<ArrayBuffer>]), { fileName, ...options });
}

/** Reads every column as text so cells compare as strings (null → ''). */
async function readStrings(content: string | Uint8Array, options: Partial<IngestOptions> = {}) {
  const first = await read(content, 'data.csv', options);
  const columnTypes: Record<string, ColumnType> = {};
  for (const c of first.report.columns) columnTypes[c.name] = 'text';
  const { table, report } = await read(content, 'data.csv', { ...options, columnTypes });
  const names = report.columns.map((c) => c.name);
  const rows: string[][] = [];
  for (let i = 0; i < table.numRows; i++) {
    rows.push(names.map((n) => (table.getChild(n)!.get(i) as string | null) ?? ''));
  }
  return { names, rows, report };
}

function col(table: arrow.Table, name: string): unknown[] {
  return [...(table.getChild(name) as arrow.Vector)].map((v) => v as unknown);
}

async function expectError(promise: Promise<unknown>, code: string, message?: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(LatheError);
  expect((error as LatheError).code).toBe(code);
  if (message) expect((error as LatheError).message).toMatch(message);
}

describe('csv-spectrum', () => {
  const dir = 'node_modules/csv-spectrum';
  for (const file of readdirSync(join(dir, 'csvs'))) {
    it(file, async () => {
      const json = JSON.parse(
        readFileSync(join(dir, 'json', file.replace('.csv', '.json')), 'utf8')
      );
      const expected = (Array.isArray(json) ? json : [json]) as Record<string, string>[];
      // Upstream's expected JSON for this case carries a different phone number than its CSV.
      if (file === 'location_coordinates.csv') expected[0]['Contact Phone Number'] = '2095257564';
      const bytes = readFileSync(join(dir, 'csvs', file));
      for (const chunkBytes of [undefined, 1, 7]) {
        const { names, rows } = await readStrings(bytes, { chunkBytes });
        expect(rows.length).toBe(expected.length);
        expected.forEach((record, r) => {
          expect(names).toEqual(Object.keys(record));
          names.forEach((n, c) => expect(rows[r][c]).toBe(record[n]));
        });
      }
    });
  }
});

function rng(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
}

const MISSING = new Set(['', 'na', 'n/a', 'null', 'nan']);

function trickyCsv(seed: number, rows: number, eol: string, bom: boolean) {
  const rand = rng(seed);
  const pieces = ['a', 'b', 'é', '€', ' ', ',', '"', '\n', '\r\n', 'x1', '42', '-3.5', 'true', ';'];
  const ncols = 2 + Math.floor(rand() * 4);
  const cell = () => {
    for (;;) {
      let s = '';
      const n = Math.floor(rand() * 5);
      for (let i = 0; i < n; i++) s += pieces[Math.floor(rand() * pieces.length)];
      if (!MISSING.has(s.trim().toLowerCase())) return s;
    }
  };
  const quote = (s: string) =>
    /[",\r\n]/.test(s) || rand() < 0.1 ? `"${s.replace(/"/g, '""')}"` : s;
  const lines = [Array.from({ length: ncols }, (_, i) => `col${i}`).join(',')];
  for (let r = 0; r < rows; r++)
    lines.push(Array.from({ length: ncols }, () => quote(cell())).join(','));
  return (bom ? '\ufeff' : '') + lines.join(eol) + (rand() < 0.5 ? eol : '');
}

describe('CSV against papaparse on generated tricky files', () => {
  const cases = [
    { seed: 1, rows: 40, eol: '\n', bom: false },
    { seed: 2, rows: 40, eol: '\r\n', bom: true },
    { seed: 3, rows: 2600, eol: '\r\n', bom: false },
    { seed: 4, rows: 2600, eol: '\n', bom: true }
  ];
  for (const c of cases) {
    it(`seed ${c.seed}, ${c.rows} rows, ${JSON.stringify(c.eol)}, bom ${c.bom}`, async () => {
      const text = trickyCsv(c.seed, c.rows, c.eol, c.bom);
      const papa = Papa.parse<string[]>(text.replace(/^\ufeff/, ''), {
        delimiter: ',',
        newline: c.eol as '\n'
      });
      const expected = papa.data.filter((r) => !(r.length === 1 && r[0] === ''));
      for (const chunkBytes of [7, 64, undefined]) {
        const { names, rows } = await readStrings(text, { chunkBytes, delimiter: ',' });
        expect(names).toEqual(expected[0]);
        expect(rows.length).toBe(expected.length - 1);
        for (let r = 0; r < rows.length; r++) {
          const want = expected[r + 1].map((v) => (MISSING.has(v.trim().toLowerCase()) ? '' : v));
          expect(rows[r]).toEqual(want);
        }
      }
    });
  }
});

describe('CSV against papaparse on a file parsed in pieces', () => {
  it('quoted newlines across piece and chunk boundaries, and a record longer than a piece', async () => {
    // Several MB, so the bulk pass cuts each chunk into pieces (after a newline, possibly one
    // inside quotes) and yields between them; one quoted cell of 1.5 MB spans many pieces.
    const base = trickyCsv(5, 120_000, '\n', false);
    const cut = base.indexOf('\n', base.length >> 1) + 1;
    const ncols = base.slice(0, base.indexOf('\n')).split(',').length;
    const huge = `"${'big "" line\n'.repeat(120_000)}"` + ',x'.repeat(ncols - 1) + '\n';
    const text = base.slice(0, cut) + huge + base.slice(cut);
    expect(text.length).toBeGreaterThan(3_000_000);
    const papa = Papa.parse<string[]>(text, { delimiter: ',', newline: '\n' });
    const expected = papa.data.filter((r) => !(r.length === 1 && r[0] === ''));
    for (const chunkBytes of [undefined, (1 << 20) + 3]) {
      const { names, rows } = await readStrings(text, { chunkBytes, delimiter: ',' });
      expect(names).toEqual(expected[0]);
      expect(rows.length).toBe(expected.length - 1);
      const bad = rows.findIndex((row, r) =>
        row.some((v, c) => {
          const want = expected[r + 1][c];
          return v !== (MISSING.has(want.trim().toLowerCase()) ? '' : want);
        })
      );
      expect(bad).toBe(-1);
    }
  });
});

describe('CSV parsing details', () => {
  it('sniffs ; tab and | delimiters, and prefers tab for .tsv', async () => {
    expect((await read('a;b\n1;2\n')).report.delimiter).toBe(';');
    expect((await read('a\tb\n1\t2\n')).report.delimiter).toBe('\t');
    expect((await read('a|b|c\n1|2|3\n')).report.delimiter).toBe('|');
    expect((await read('a,b\tc\n1,2\t3\n', 'x.tsv')).report.delimiter).toBe('\t');
    expect((await read('"a,b";c\n"1,2";3\n')).report.delimiter).toBe(';');
  });

  it('handles lone CR line endings, no trailing newline and blank lines', async () => {
    const { table, report } = await read('a,b\r1,2\r\r3,4');
    expect(report.rows).toBe(2);
    expect(col(table, 'b')).toEqual([2, 4]);
    expect((await read('a,b\n\n1,2\n\n\n3,4\n\n')).report.rows).toBe(2);
  });

  it('renames blank and duplicate headers with a warning', async () => {
    const { report } = await read('a,,a,a,b\n1,2,3,4,5\n');
    expect(report.columns.map((c) => c.name)).toEqual(['a', 'column_2', 'a_2', 'a_3', 'b']);
    const w = report.warnings.find((x) => x.code === 'RENAMED_COLUMNS');
    expect(w?.details?.renamed).toEqual([
      { from: '', to: 'column_2' },
      { from: 'a', to: 'a_2' },
      { from: 'a', to: 'a_3' }
    ]);
  });

  it('pads short rows and drops extra fields, reporting physical lines', async () => {
    const { table, report } = await read('a,b,c\n1,2,3\n4,5\n"multi\nline",7,8,9\n10,11,12\n');
    expect(col(table, 'c')).toEqual([3, null, 8, 12]);
    const w = report.warnings.find((x) => x.code === 'RAGGED_ROWS');
    expect(w?.details).toMatchObject({ count: 2, lines: [3, 4] });
  });

  it('reports ragged lines the same way on the bulk path', async () => {
    const body = Array.from({ length: 3000 }, (_, i) => (i === 2500 ? '1,2' : '1,2,3')).join('\n');
    const { report } = await read('a,b,c\n' + body, 'data.csv', { chunkBytes: 1000 });
    expect(report.warnings.find((x) => x.code === 'RAGGED_ROWS')?.details).toMatchObject({
      count: 1,
      lines: [2502]
    });
  });

  it('keeps every row when the sample underestimates the row count (columns grow)', async () => {
    // Long rows first, short rows after: the row estimate from the sample is too low, so the
    // columns grow during the bulk pass and must keep the rows already parsed.
    const long = Array.from(
      { length: 2500 },
      (_, i) => `${i}.${'7'.repeat(12)},name-${'x'.repeat(40)}-${i % 7},${i}`
    );
    const short = Array.from({ length: 20000 }, (_, i) => `${i}.5,s${i % 5},${i}`);
    const rows = [...long, ...short];
    for (const chunkBytes of [4096, undefined]) {
      const { table } = await read('x,s,n\n' + rows.join('\n') + '\n', 'data.csv', { chunkBytes });
      expect(table.numRows).toBe(rows.length);
      const [x, s, n] = ['x', 's', 'n'].map((c) => table.getChild(c)!);
      const bad = rows.filter((r, i) => {
        const [a, b, c] = r.split(',');
        return x.get(i) !== Number(a) || s.get(i) !== b || n.get(i) !== Number(c);
      });
      expect(bad.slice(0, 3)).toEqual([]);
    }
  });

  it('survives a 10 MB single line and 100,000 columns', async () => {
    const long = 'x'.repeat(10 * 1024 * 1024);
    const one = await read(`a,b\n${long},1\n`);
    expect((one.table.getChild('a')!.get(0) as string).length).toBe(long.length);
    const n = 100_000;
    const header = Array.from({ length: n }, (_, i) => `c${i}`).join(',');
    const row = Array.from({ length: n }, (_, i) => String(i % 7)).join(',');
    const wide = await read(`${header}\n${row}\n${row}\n`);
    expect(wide.table.numCols).toBe(n);
    expect(wide.table.getChild('c99999')!.get(1)).toBe(99999 % 7);
  });

  it('keeps markup as a plain string', async () => {
    const { table } = await read('a\n<img src=x onerror=alert(1)>\n');
    expect(table.getChild('a')!.get(0)).toBe('<img src=x onerror=alert(1)>');
  });

  it('reads gzip content', async () => {
    const gz = new Blob([enc.encode('a,b\n1,x\n2,y\n')])
      .stream()
      .pipeThrough(new CompressionStream('gzip'));
    const bytes = new Uint8Array(await new Response(gz).arrayBuffer());
    const { table } = await read(bytes, 'data.csv.gz');
    expect(col(table, 'b')).toEqual(['x', 'y']);
  });
});

describe('type inference and value policy', () => {
  it('infers each type and stores the documented physical type', async () => {
    const { table, report } = await read(
      'i,f,b,d,c,big\n1,1.5,TRUE,2024-01-02,x,3000000000\n-2,2e3,false,2024-01-03T04:05:06.789+02:00,y,1\n'
    );
    expect(report.columns.map((c) => c.type)).toEqual([
      'integer',
      'float',
      'boolean',
      'datetime',
      'categorical',
      'integer'
    ]);
    expect(table.getChild('i')!.type).toBeInstanceOf(arrow.Int32);
    expect(table.getChild('big')!.type).toBeInstanceOf(arrow.Float64);
    expect(table.getChild('d')!.type).toBeInstanceOf(arrow.TimestampMillisecond);
    expect(col(table, 'd')).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3, 2, 5, 6, 789)]);
    expect(col(table, 'b')).toEqual([true, false]);
    expect(col(table, 'f')).toEqual([1.5, 2000]);
    expect(table.schema.fields.map((f) => f.metadata.get('lathe.type'))).toEqual(
      report.columns.map((c) => c.type)
    );
  });

  it('missing tokens are null in every type; Infinity is a number; NaN is missing', async () => {
    const { table, report } = await read(
      'x,s,b\n1.5,a,true\nNA,NULL,n/a\n Infinity ,nan,\n-inf,b,false\nNaN,,\n'
    );
    expect(report.columns.map((c) => c.type)).toEqual(['float', 'categorical', 'boolean']);
    expect(col(table, 'x')).toEqual([1.5, null, Infinity, -Infinity, null]);
    expect(col(table, 's')).toEqual(['a', null, null, 'b', null]);
    expect(col(table, 'b')).toEqual([true, null, null, false, null]);
    expect(report.invalid).toEqual([]);
  });

  it('1e309 and 1,5 are invalid numbers: null, counted, with line examples', async () => {
    const body = Array.from({ length: 2100 }, (_, i) => `${i}.5,${i}`).join('\n');
    const { table, report } = await read(`x,y\n${body}\n1e309,"1,5"\n`);
    expect(report.columns.map((c) => c.type)).toEqual(['float', 'integer']);
    expect(table.getChild('x')!.get(2100)).toBeNull();
    expect(report.invalid).toEqual([
      { column: 'x', type: 'float', count: 1, examples: [{ line: 2102, value: '1e309' }] },
      { column: 'y', type: 'integer', count: 1, examples: [{ line: 2102, value: '1,5' }] }
    ]);
    expect(report.warnings.some((w) => w.code === 'INVALID_VALUES')).toBe(true);
  });

  it('long decimals (16–19 digits, as pandas writes floats) equal Number() on every path', async () => {
    // Rows past the type sample go through the bulk parser's inline number path; the sample
    // through the builders: both must give Number()'s double, whatever the chunk boundaries.
    let seed = 7;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const texts: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6);
      const kind = i % 4;
      texts.push(
        kind === 0
          ? String(x)
          : kind === 1
            ? x.toFixed(17)
            : kind === 2
              ? String(Math.floor(rand() * 2 ** 32) * 2 ** 32 + Math.floor(rand() * 2 ** 32))
              : `${Math.floor(rand() * 1e9)}${Math.floor(rand() * 1e9)}.${Math.floor(rand() * 10)}`
      );
    }
    texts.push('1' + '0'.repeat(400), '0.' + '1'.repeat(30));
    const body = texts.map((t, i) => `${t},${i}`).join('\n');
    for (const chunkBytes of [1000, 65536, undefined]) {
      const { table, report } = await read(`x,i\n${body}\n`, 'data.csv', { chunkBytes });
      expect(report.columns[0].type).toBe('float');
      const x = table.getChild('x')!;
      const bad: string[] = [];
      texts.forEach((t, r) => {
        const want = Number(t) === Infinity ? null : Number(t);
        if (!Object.is(x.get(r), want)) bad.push(`${t}: ${x.get(r)}`);
      });
      expect(bad.slice(0, 5)).toEqual([]);
      expect(report.invalid).toEqual([
        {
          column: 'x',
          type: 'float',
          count: 1,
          examples: [{ line: 6002, value: '1' + '0'.repeat(99) + '…' }]
        }
      ]);
    }
  });

  it('a stray token within the first rows stays invalid instead of making the column text', async () => {
    // 300 numbers and one '?' (0.33% < 1%): the column is numeric and the '?' is reported.
    const body = Array.from({ length: 300 }, (_, i) => (i === 41 ? '?' : `${i * 2}`)).join('\n');
    const { table, report } = await read(`hp\n${body}\n`);
    expect(report.columns).toEqual([{ name: 'hp', type: 'integer' }]);
    expect(table.getChild('hp')!.get(41)).toBeNull();
    expect(table.getChild('hp')!.get(42)).toBe(84);
    expect(report.invalid).toEqual([
      { column: 'hp', type: 'integer', count: 1, examples: [{ line: 43, value: '?' }] }
    ]);
  });

  it('more than 1% unparsable values in the first rows make the column categorical', async () => {
    const body = Array.from({ length: 300 }, (_, i) => (i % 50 === 0 ? 'n/k' : `${i}`)).join('\n');
    const { report } = await read(`v\n${body}\n`);
    expect(report.columns).toEqual([{ name: 'v', type: 'categorical' }]);
    expect(report.invalid).toEqual([]);
  });

  it('reads decimal commas in ;-separated files', async () => {
    const { table, report } = await read('a;b\n1,5;x\n-2,25;y\n');
    expect(report.columns[0].type).toBe('float');
    expect(col(table, 'a')).toEqual([1.5, -2.25]);
  });

  it('widens an inferred column with more than 1% invalid values (misleading sample)', async () => {
    const body = Array.from({ length: 5000 }, (_, i) =>
      i < 2000 ? `${i},${i}` : `w${i},${i}`
    ).join('\n');
    const { table, report } = await read(`a,b\n${body}\n`);
    expect(report.columns[0].type).toBe('categorical');
    expect(table.getChild('a')!.get(0)).toBe('0');
    expect(report.invalid).toEqual([]);
    expect(report.warnings.find((w) => w.code === 'TYPE_WIDENED')?.details).toMatchObject({
      column: 'a',
      from: 'integer'
    });
  });

  it('an integer column that meets a decimal becomes float silently', async () => {
    const body = Array.from({ length: 3000 }, (_, i) => (i === 2500 ? '2.5' : String(i))).join(
      '\n'
    );
    const { table, report } = await read(`a\n${body}\n`, 'data.csv', { chunkBytes: 4096 });
    expect(report.columns[0].type).toBe('float');
    expect(table.getChild('a')!.get(2500)).toBe(2.5);
    expect(report.warnings).toEqual([]);
  });

  it('digit strings with leading zeros are identifiers: kept as text, with the reason', async () => {
    const zips = ['00501', '01234', '90210', '10001', '02134', '60614', '94103', '73301'];
    const { table, report } = await read(`ZIP,n\n${zips.map((z, i) => `${z},${i}`).join('\n')}\n`);
    expect(report.columns).toEqual([
      { name: 'ZIP', type: 'categorical' },
      { name: 'n', type: 'integer' }
    ]);
    expect(col(table, 'ZIP')).toEqual(zips);
    expect(report.notes).toEqual([
      {
        column: 'ZIP',
        kind: 'identifier',
        type: 'categorical',
        message:
          '"ZIP" kept as text, not integer: all its values are 5 digits wide and 38% of the first 8 values have leading zeros (e.g. "00501" at line 2), so they are identifiers (like ZIP codes or account numbers), not quantities. To read it as numbers anyway, set its type to integer and re-import.'
      }
    ]);
    const forced = await read(`ZIP\n${zips.join('\n')}\n`, 'data.csv', {
      columnTypes: { ZIP: 'integer' }
    });
    expect(col(forced.table, 'ZIP')[0]).toBe(501);
    expect(forced.report.notes?.[0]).toMatchObject({ kind: 'override', detected: 'categorical' });
  });

  it('ordinary integers stay integers: zero, a stray padded value, signs, all-zero placeholders', async () => {
    const counts = Array.from({ length: 200 }, (_, i) => String(i % 10));
    const stray = Array.from({ length: 200 }, (_, i) => (i === 7 ? '05' : String(i * 13)));
    const signed = Array.from({ length: 20 }, (_, i) => (i % 2 ? '-05' : '07'));
    const years = Array.from({ length: 20 }, (_, i) => (i === 3 ? '0000' : String(1990 + i)));
    const body = counts.map((c, i) => `${c},${stray[i]},${signed[i % 20]},${years[i % 20]}`);
    const { table, report } = await read(`count,amount,delta,year\n${body.join('\n')}\n`);
    expect(report.columns.map((c) => c.type)).toEqual(['integer', 'integer', 'integer', 'integer']);
    expect(col(table, 'amount')[7]).toBe(5);
    expect(report.notes).toEqual([]);
  });

  it('codes of varying width are identifiers when at least 10% have leading zeros', async () => {
    const codes = Array.from({ length: 100 }, (_, i) =>
      i % 5 === 0 ? `00${i}` : String(1000 + i)
    );
    expect((await read(`code\n${codes.join('\n')}\n`)).report.columns[0].type).toBe('categorical');
    const few = codes.map((c, i) => (i % 5 === 0 && i > 0 ? String(2000 + i) : c));
    expect((await read(`code\n${few.join('\n')}\n`)).report.columns[0].type).toBe('integer');
  });

  it('leading zeros first met after the type sample make the column identifiers (re-read)', async () => {
    // Sorted so that the first 3,000 ZIP codes have no leading zero: only the whole column tells.
    const zips = Array.from({ length: 4000 }, (_, i) =>
      i < 3000
        ? String(90001 + (i % 900))
        : String(i % 4 === 0 ? 1001 + i : 20001 + i).padStart(5, '0')
    );
    for (const chunkBytes of [4096, undefined]) {
      const { table, report } = await read(`zip\n${zips.join('\n')}\n`, 'data.csv', {
        chunkBytes
      });
      expect(report.columns[0].type).toBe('categorical');
      expect(col(table, 'zip')).toEqual(zips);
      expect(report.notes?.[0].message).toMatch(
        /^"zip" kept as text, not integer: all its values are 5 digits wide and 6% of its values have leading zeros \(e\.g\. "04001" at line 3002\)/
      );
    }
  });

  it('user-forced types are kept, with invalid values reported', async () => {
    const { table, report } = await read('a,b\n1,x\n2.5,y\n', 'data.csv', {
      columnTypes: { a: 'integer', b: 'text' }
    });
    expect(report.columns).toEqual([
      { name: 'a', type: 'integer' },
      { name: 'b', type: 'text' }
    ]);
    expect(col(table, 'a')).toEqual([1, null]);
    expect(report.invalid[0]).toMatchObject({ column: 'a', count: 1 });
  });

  it('all-missing column is float of nulls; long distinct sentences are text', async () => {
    const rows = Array.from(
      { length: 10 },
      (_, i) => `,the quick brown fox number ${i} jumps`
    ).join('\n');
    const { table, report } = await read(`empty,words\n${rows}\n`);
    expect(report.columns.map((c) => c.type)).toEqual(['float', 'text']);
    expect(table.getChild('empty')!.nullCount).toBe(10);
  });

  it('falls back to windows-1252 on invalid UTF-8', async () => {
    const bytes = new Uint8Array([
      ...enc.encode('name,v\ncaf'),
      0xe9,
      ...enc.encode(',1\nna\u00efve,2\n')
    ]);
    const { table, report } = await read(bytes);
    expect(report.encoding).toBe('windows-1252');
    expect(table.getChild('name')!.get(0)).toBe('café');
    expect(report.warnings.find((w) => w.code === 'ENCODING_FALLBACK')?.details).toMatchObject({
      line: 2,
      column: 'name'
    });
  });

  it('round-trips through Arrow IPC (file and stream)', async () => {
    const { table } = await read('i,f,b,d,c\n1,1.5,true,2024-01-02,x\n,NA,,,\n');
    for (const format of ['file', 'stream'] as const) {
      const back = arrow.tableFromIPC(arrow.tableToIPC(table, format));
      expect(back.toArray().map((r) => r.toJSON())).toEqual(table.toArray().map((r) => r.toJSON()));
      expect(back.schema.fields.map((f) => f.metadata.get('lathe.type'))).toEqual([
        'integer',
        'float',
        'boolean',
        'datetime',
        'categorical'
      ]);
    }
  });
});

describe('bad CSV input', () => {
  it('empty file', async () => {
    await expectError(read(''), 'EMPTY_FILE', /data\.csv/);
    await expectError(read('\ufeff\n\n'), 'EMPTY_FILE');
  });
  it('header only', () => expectError(read('a,b,c\n'), 'NO_ROWS', /data\.csv.*a, b, c/));
  it('unterminated quote names the line', () =>
    expectError(read('a,b\n1,2\n3,"oops\n4,5\n'), 'UNTERMINATED_QUOTE', /data\.csv, line 3/));
  it('binary content', async () => {
    await expectError(
      read(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0])),
      'UNSUPPORTED_FORMAT',
      /PNG/
    );
    await expectError(
      read(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1])),
      'UNSUPPORTED_FORMAT',
      /ZIP/
    );
    await expectError(read(new Uint8Array([0x61, 0, 0x62])), 'UNSUPPORTED_FORMAT', /binary/);
  });
  it('cancellation', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectError(
      ingest(new Blob(['a\n1\n']), { fileName: 'x.csv' }, undefined, controller.signal),
      'CANCELLED'
    );
  });
  it('cancellation while reading', async () => {
    const controller = new AbortController();
    const body = 'a,b\n' + '1.25,xyz\n'.repeat(600_000);
    await expectError(
      ingest(
        new Blob([body]),
        { fileName: 'x.csv', chunkBytes: 1 << 20 },
        () => controller.abort(),
        controller.signal
      ),
      'CANCELLED'
    );
  });
  it('reports progress', async () => {
    const seen: number[] = [];
    await ingest(
      new Blob(['a\n' + '1\n'.repeat(5000)]),
      { fileName: 'x.csv', chunkBytes: 1000 },
      (p) => seen.push(p.bytesRead)
    );
    expect(seen.at(-1)).toBe(10002);
  });
});
