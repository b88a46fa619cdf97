import { parseBoolean } from './builders';
import { parseDatetime } from './date';
import { lexeme, parseNumber } from './number';
import { isMissing } from './text';
import type { ColumnType } from './types';

/** Rows of a source read to infer column types. */
export const SAMPLE_ROWS = 2000;
/** An inferred column with more than this fraction of invalid values is re-read as text. */
export const WIDEN_INVALID_RATIO = 0.01;

/**
 * Narrowest type that fits the non-missing sample values: boolean (true/false), integer (plain
 * integers within ±2^53), float (any number, ±Infinity), datetime (ISO), else categorical. A
 * type may leave up to WIDEN_INVALID_RATIO of the values unparsed — one stray `?` in a numeric
 * column should not turn it into text; those values are reported as invalid instead. A column
 * with no values at all is float. Categorical versus text is settled by the builder.
 */
export class TypeVote {
  values = 0;
  private notBoolean = 0;
  private notNumber = 0;
  private decimals = 0;
  private notDate = 0;

  addBytes(b: Uint8Array, s: number, e: number, decimal: number): void {
    if (isMissing(b, s, e)) return;
    this.values++;
    if (parseBoolean(b, s, e, false) < 0) this.notBoolean++;
    const v = parseNumber(b, s, e, decimal);
    if (v !== v) this.notNumber++;
    else if (!lexeme.integer) this.decimals++;
    const t = parseDatetime(b, s, e);
    if (t !== t) this.notDate++;
  }

  /** A JavaScript value; strings are parsed like CSV fields unless `typedSource` says they are text. */
  addValue(v: unknown, typedSource = false): void {
    if (v === null || v === undefined || (typeof v === 'number' && v !== v)) return;
    if (typeof v === 'string' && !typedSource) {
      const bytes = new TextEncoder().encode(v);
      this.addBytes(bytes, 0, bytes.length, 46);
      return;
    }
    this.values++;
    if (typeof v !== 'boolean') this.notBoolean++;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) this.decimals++;
    } else if (typeof v !== 'bigint') this.notNumber++;
    if (!(v instanceof Date)) this.notDate++;
  }

  get type(): ColumnType {
    if (this.values === 0) return 'float';
    const fits = (misses: number) =>
      misses < this.values && misses <= this.values * WIDEN_INVALID_RATIO;
    if (fits(this.notBoolean)) return 'boolean';
    if (fits(this.notNumber)) return this.decimals === 0 ? 'integer' : 'float';
    if (fits(this.notDate)) return 'datetime';
    return 'categorical';
  }
}

/** True when an inferred column's invalid values exceed WIDEN_INVALID_RATIO of its values. */
export function shouldWiden(invalid: number, nonMissing: number): boolean {
  return invalid > 0 && invalid > nonMissing * WIDEN_INVALID_RATIO;
}
