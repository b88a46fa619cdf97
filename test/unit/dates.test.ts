import { describe, expect, it } from 'vitest';
import {
  compileDateFormat,
  parseNamedDate,
  parseNumericDate,
  type DateOrder
} from '../../src/lib/core/data/dateformat';
import { ingest } from '../../src/lib/core/data/ingest';
import { parseIngestRequest } from '../../src/lib/core/data/request';
import { LatheError } from '../../src/lib/core/base/errors';
import type { IngestOptions } from '../../src/lib/core/data/types';

// Expected epoch milliseconds were computed apart from this code, with Python's datetime:
// int(datetime(1998, 6, 12, tzinfo=timezone.utc).timestamp() * 1000), and so on.
const D1998_06_12 = 897609600000;
const D1998_06_13 = 897696000000;
const D1998_12_06 = 912902400000;
const D2001_07_04 = 994204800000;
const D1999_12_31 = 946598400000;
const T1998_06_12_1403 = 897660180000;
const T1998_06_12_140305 = 897660185000;
const T1998_06_12_140305_P0200 = 897652985000; // 14:03:05+02:00
const T1998_06_12_140305_250_M0530 = 897679985250; // 14:03:05.250-05:30
const T1998_06_12_140305_123 = 897660185123;
const D2000_02_29 = 951782400000;
const D1900_03_01 = -2203891200000;
const T1969_07_20_2017 = -14182980000;
const D2068_01_01 = 3092601600000;
const D1969_01_01 = -31536000000;
const D2001_09_04 = 999561600000;
const D2001_04_07 = 986601600000;
const D1900_01_01 = -2208988800000;

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const named = (s: string) => parseNamedDate(bytes(s), 0, bytes(s).length);
const numeric = (s: string, order: DateOrder) =>
  parseNumericDate(bytes(s), 0, bytes(s).length, order);
const withFormat = (format: string, s: string) =>
  compileDateFormat(format).parse(bytes(s), 0, bytes(s).length);

async function read(text: string, options: Partial<IngestOptions> = {}, fileName = 'data.csv') {
  return ingest(new Blob([text]), { fileName, ...options });
}

function values(
  table: { getChild(n: string): { get(i: number): unknown; length: number } | null },
  name: string
) {
  const col = table.getChild(name)!;
  return Array.from({ length: col.length }, (_, i) => col.get(i));
}

describe('month-name dates', () => {
  it('reads the usual orders, abbreviations, weekdays, ordinals and times', () => {
    expect(named('Jun 12 1998')).toBe(D1998_06_12);
    expect(named('June 12, 1998')).toBe(D1998_06_12);
    expect(named('12 June 1998')).toBe(D1998_06_12);
    expect(named('12-Jun-1998')).toBe(D1998_06_12);
    expect(named('  jun. 12th, 1998 ')).toBe(D1998_06_12);
    expect(named('1998 Jun 12')).toBe(D1998_06_12);
    expect(named('Sept 4 2001')).toBe(D2001_09_04);
    expect(named('Fri, 12 Jun 1998 14:03:05 +0200')).toBe(T1998_06_12_140305_P0200);
    expect(named('Jun 12 1998 2:03 PM')).toBe(T1998_06_12_1403);
    expect(named('Jun 12 1998 12:00 am')).toBe(D1998_06_12);
    expect(named('Feb 29 2000')).toBe(D2000_02_29);
  });
  it('refuses what is not a date', () => {
    for (const s of [
      'Jun 1998',
      'Jun 31 1998',
      'Feb 29 1900',
      'Juno 12 1998',
      'Jun 12 98',
      'June 12 1998 was hot',
      'Jun 12 1998 25:00',
      'Jun 12 1998 13:00 PM',
      'hello world'
    ]) {
      expect(named(s), s).toBeNaN();
    }
  });
});

describe('numeric dates', () => {
  it('reads day-first, month-first and year-first with / - and .', () => {
    expect(numeric('12/06/1998', 'dmy')).toBe(D1998_06_12);
    expect(numeric('12/06/1998', 'mdy')).toBe(D1998_12_06);
    expect(numeric('6/12/1998', 'mdy')).toBe(D1998_06_12);
    expect(numeric('12.06.1998', 'dmy')).toBe(D1998_06_12);
    expect(numeric('12-06-1998', 'dmy')).toBe(D1998_06_12);
    expect(numeric('1998/6/12', 'ymd')).toBe(D1998_06_12);
    expect(numeric('13/06/1998', 'mdy')).toBeNaN();
    expect(numeric('06/13/1998', 'dmy')).toBeNaN();
    expect(numeric('12/06/98', 'dmy')).toBeNaN();
    expect(numeric('12/06-1998', 'dmy')).toBeNaN();
  });
  it('takes a time of day with or without seconds, fraction and zone', () => {
    expect(numeric('12/06/1998 14:03', 'dmy')).toBe(T1998_06_12_1403);
    expect(numeric('1998-06-12 14:03:05 +02:00', 'ymd')).toBe(T1998_06_12_140305_P0200);
    expect(numeric('1998-06-12 14:03:05.25 GMT-05:30', 'ymd')).toBe(T1998_06_12_140305_250_M0530);
    expect(numeric('1998-06-12 14:03:05 UTC', 'ymd')).toBe(T1998_06_12_140305);
    expect(numeric('12/06/1998 14:3', 'dmy')).toBeNaN();
    expect(numeric('12/06/1998 14:03 +2', 'dmy')).toBeNaN();
  });
});

describe('date formats', () => {
  it('reads the pattern letters', () => {
    expect(withFormat('MMM d yyyy', 'Jun 12 1998')).toBe(D1998_06_12);
    expect(withFormat('dd/MM/yyyy', '12/06/1998')).toBe(D1998_06_12);
    expect(withFormat('MM/dd/yyyy', '6/12/1998')).toBe(D1998_06_12);
    expect(withFormat('yyyy-MM-dd HH:mm:ss', '1998-06-12 14:03:05')).toBe(T1998_06_12_140305);
    expect(withFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", '1998-06-12T14:03:05.250-05:30')).toBe(
      T1998_06_12_140305_250_M0530
    );
    expect(withFormat('yyyyMMddHHmmssSSS', '19980612140305123')).toBe(T1998_06_12_140305_123);
    expect(withFormat('EEE, d MMMM yyyy h:mm a', 'Fri, 12 June 1998 2:03 PM')).toBe(
      T1998_06_12_1403
    );
    expect(withFormat('dd.MM.yy', '01.01.68')).toBe(D2068_01_01);
    expect(withFormat('dd.MM.yy', '01.01.69')).toBe(D1969_01_01);
    expect(withFormat('yyyy年M月d日', '1998年6月12日')).toBe(D1998_06_12);
    expect(withFormat('d MMM yyyy HH:mm', '20 Jul 1969 20:17')).toBe(T1969_07_20_2017);
    expect(withFormat('yyyy', '1900')).toBe(D1900_01_01);
    expect(withFormat('yyyy-MM-dd', '1900-03-01')).toBe(D1900_03_01);
    expect(withFormat('unix-s', '897660185')).toBe(T1998_06_12_140305);
    expect(withFormat('unix-ms', '897660185123')).toBe(T1998_06_12_140305_123);
  });
  it('refuses values that do not follow it', () => {
    expect(withFormat('dd/MM/yyyy', '31/02/1998')).toBeNaN();
    expect(withFormat('dd/MM/yyyy', '12/06/1998 ')).toBe(D1998_06_12);
    expect(withFormat('dd/MM/yyyy', '12-06-1998')).toBeNaN();
    expect(withFormat('HH:mm dd/MM/yyyy', '24:00 12/06/1998')).toBeNaN();
    expect(withFormat('yyyyMMdd', '1998612')).toBeNaN();
  });
  it('explains a bad format', () => {
    const message = (f: string) => {
      try {
        compileDateFormat(f, 'when');
      } catch (error) {
        expect(error).toBeInstanceOf(LatheError);
        expect((error as LatheError).code).toBe('BAD_DATE_FORMAT');
        return (error as LatheError).message;
      }
      return 'accepted';
    };
    expect(message('dd/MM/yyyyQ')).toMatch(
      /^Column "when": the date format "dd\/MM\/yyyyQ" has the letter "Q", which is not a date field/
    );
    expect(message('dd/MM')).toMatch(/has no year/);
    expect(message('yyy-MM-dd')).toMatch(/write years as yyyy/);
    expect(message('yyyy-MM-dd hh:mm')).toMatch(/hh without a/);
    expect(message('yyyyMd')).toMatch(/fixed widths/);
    expect(message("yyyy 'at")).toMatch(/never closed/);
    expect(message('yyyy yyyy')).toMatch(/gives the year twice/);
    expect(message('x'.repeat(65))).toMatch(/longer than 64/);
  });
});

describe('dates in an imported column', () => {
  it('month names are datetime, with a note in the report', async () => {
    const { table, report } = await read(
      '"when",n\nJun 12 1998,1\n"June 12, 1998",2\n31 Dec 1999,3\n,4\n'
    );
    expect(report.columns[0]).toEqual({ name: 'when', type: 'datetime' });
    expect(values(table, 'when')).toEqual([D1998_06_12, D1998_06_12, D1999_12_31, null]);
    expect(report.notes).toEqual([
      expect.objectContaining({ column: 'when', kind: 'date-format', type: 'datetime' })
    ]);
    expect(report.notes?.[0].message).toMatch(/month names \(e\.g\. "Jun 12 1998" at line 2\)/);
  });

  it('a day above 12 decides day-first, and the report says which value did', async () => {
    const { table, report } = await read('d\n06/12/1998\n13/06/1998\n04/07/2001\n');
    expect(report.columns[0].type).toBe('datetime');
    expect(values(table, 'd')).toEqual([D1998_12_06, D1998_06_13, D2001_07_04]);
    expect(report.notes?.[0].message).toBe(
      '"d" read as day/month/year (dd/MM/yyyy): "13/06/1998" (line 3) can only be read day first.'
    );
    expect(report.warnings).toEqual([]);
  });

  it('a month above 12 in the second place decides month-first', async () => {
    const { table, report } = await read('d\n12/06/1998\n06/13/1998\n');
    expect(values(table, 'd')).toEqual([D1998_12_06, D1998_06_13]);
    expect(report.notes?.[0].message).toMatch(
      /month\/day\/year \(MM\/dd\/yyyy\): "06\/13\/1998" \(line 3\)/
    );
  });

  it('dots are day-first', async () => {
    const { table, report } = await read('d\n12.06.1998\n04.07.2001\n');
    expect(values(table, 'd')).toEqual([D1998_06_12, D2001_07_04]);
    expect(report.notes?.[0].message).toMatch(/dots put the day first/);
  });

  it('an undecidable column is read month-first with a warning that says how to change it', async () => {
    const { table, report } = await read('d\n06/12/1998\n07/04/2001\n');
    expect(values(table, 'd')).toEqual([D1998_06_12, D2001_07_04]);
    const warning = report.warnings.find((w) => w.code === 'AMBIGUOUS_DATES');
    expect(warning?.message).toMatch(
      /"d": no date in it has a day above 12 \(e\.g\. "06\/12\/1998" at line 2\)/
    );
    expect(warning?.message).toMatch(/set the column's date format to dd\/MM\/yyyy and re-import/);
    const again = await read('d\n06/12/1998\n07/04/2001\n', { columnFormats: { d: 'dd/MM/yyyy' } });
    expect(values(again.table, 'd')).toEqual([D1998_12_06, D2001_04_07]);
  });

  it('rows after the type sample decide an order the sample could not', async () => {
    // 2,500 dates with day and month both ≤ 12, then day-first ones.
    const rows = Array.from({ length: 3000 }, (_, i) =>
      i < 2500 ? '06/12/1998' : i === 2700 ? '13/06/1998' : '04/07/2001'
    );
    const { table, report } = await read(`d\n${rows.join('\n')}\n`, { chunkBytes: 4096 });
    expect(report.columns[0].type).toBe('datetime');
    const d = values(table, 'd');
    expect(d[0]).toBe(D1998_12_06);
    expect(d[2700]).toBe(D1998_06_13);
    expect(d[2999]).toBe(D2001_07_04);
    expect(report.invalid).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.notes?.[0].message).toMatch(
      /"13\/06\/1998" \(line 2702\) can only be read day first/
    );
  });

  it('ISO dates with a spaced zone or UTC are read too', async () => {
    const { table } = await read(
      'd\n1998-06-12 14:03:05 +02:00\n1998-06-12 14:03:05 UTC\n1998-06-12T14:03:05.123Z\n'
    );
    expect(values(table, 'd')).toEqual([
      T1998_06_12_140305_P0200,
      T1998_06_12_140305,
      T1998_06_12_140305_123
    ]);
  });

  it('ISO columns stay as they were, without a note', async () => {
    const { table, report } = await read(
      'd\n1998-06-12\n1998-06-12 14:03\n1998-06-12T14:03:05+02:00\n'
    );
    expect(values(table, 'd')).toEqual([D1998_06_12, T1998_06_12_1403, T1998_06_12_140305_P0200]);
    expect(report.notes).toEqual([]);
  });
});

describe('Unix time', () => {
  it('numbers in a column named like a time: seconds or milliseconds by magnitude', async () => {
    const { table, report } = await read(
      'created_at,eventTs,timestamp_ms,count,time\n897660185,897660185,897660185123,897660185,5\n897609600,897609600,897609600000,897609600,6\n'
    );
    expect(report.columns.map((c) => c.type)).toEqual([
      'datetime',
      'datetime',
      'datetime',
      'integer',
      'integer'
    ]);
    expect(values(table, 'created_at')).toEqual([T1998_06_12_140305, D1998_06_12]);
    expect(values(table, 'timestamp_ms')).toEqual([T1998_06_12_140305_123, D1998_06_12]);
    expect(report.notes?.[0].message).toMatch(
      /^"created_at" read as Unix time in seconds \(unix-s\): its name says time.*1998-06-12 to 1998-06-12\. To keep the numbers, set its type to integer/
    );
  });

  it('small numbers in a time-named column are durations, not dates', async () => {
    const { report } = await read('time,epoch\n0,12\n300,5000000\n');
    expect(report.columns.map((c) => c.type)).toEqual(['integer', 'integer']);
    expect(report.notes).toEqual([]);
  });

  it('JSON numbers are read the same way', async () => {
    const { table, report } = await read(
      '[{"ts": 897660185, "updatedAt": 897660185123}, {"ts": 897609600, "updatedAt": 897609600000}]',
      {},
      'r.json'
    );
    expect(report.columns.map((c) => c.type)).toEqual(['datetime', 'datetime']);
    expect(values(table, 'ts')).toEqual([T1998_06_12_140305, D1998_06_12]);
    expect(values(table, 'updatedAt')).toEqual([T1998_06_12_140305_123, D1998_06_12]);
  });
});

describe('type overrides with a date format', () => {
  it('reads the column with the format; failures are counted with lines', async () => {
    const { table, report } = await read('d,n\n19980612,1\n20010704,2\n1998-06-12,3\n', {
      columnFormats: { d: 'yyyyMMdd' }
    });
    expect(report.columns[0]).toEqual({ name: 'd', type: 'datetime' });
    expect(values(table, 'd')).toEqual([D1998_06_12, D2001_07_04, null]);
    expect(report.invalid).toEqual([
      { column: 'd', type: 'datetime', count: 1, examples: [{ line: 4, value: '1998-06-12' }] }
    ]);
    expect(report.notes).toEqual([
      {
        column: 'd',
        kind: 'override',
        type: 'datetime',
        format: 'yyyyMMdd',
        detected: 'categorical',
        message:
          '"d" read as datetime with the format yyyyMMdd, as you chose (detected: categorical).'
      }
    ]);
  });

  it('forced datetime without a format reads the values the way they look most like dates', async () => {
    // 2 of 4 values are dates: too few to infer datetime, enough to say how to read them.
    const { table, report } = await read('d\nJun 12 1998\nsoon\nlater\nDec 31 1999\n', {
      columnTypes: { d: 'datetime' }
    });
    expect(values(table, 'd')).toEqual([D1998_06_12, null, null, D1999_12_31]);
    expect(report.invalid[0]).toMatchObject({ column: 'd', count: 2 });
    expect(report.notes?.[0]).toMatchObject({ kind: 'override', detected: 'categorical' });
  });

  it('an override is labelled as one, with the detected type', async () => {
    const { report } = await read('code\n100\n101\n', { columnTypes: { code: 'categorical' } });
    expect(report.notes).toEqual([
      {
        column: 'code',
        kind: 'override',
        type: 'categorical',
        detected: 'integer',
        message: '"code" read as categorical, as you chose (detected: integer).'
      }
    ]);
  });

  it('a bad format or a format on a non-datetime column is refused before reading', async () => {
    await expect(read('d\n1\n', { columnFormats: { d: 'dd/QQ/yyyy' } })).rejects.toThrow(
      /Column "d": the date format "dd\/QQ\/yyyy" has the letter "Q"/
    );
    await expect(
      read('d\n1\n', { columnFormats: { d: 'yyyy' }, columnTypes: { d: 'integer' } })
    ).rejects.toThrow(/Column "d" has a date format \(yyyy\) but its type is set to integer/);
  });

  it('the ingest request carries formats, checked for length and control characters', () => {
    const input = { kind: 'url', url: 'https://example.org/x.csv' };
    expect(parseIngestRequest({ input, columnFormats: { d: 'dd/MM/yyyy' } }).columnFormats).toEqual(
      {
        d: 'dd/MM/yyyy'
      }
    );
    expect(() => parseIngestRequest({ input, columnFormats: { d: 'y'.repeat(65) } })).toThrow(
      /Invalid ingest request at columnFormats\.d/
    );
    expect(() => parseIngestRequest({ input, columnFormats: { d: 'yyyy\n' } })).toThrow(
      /columnFormats\.d/
    );
  });
});
