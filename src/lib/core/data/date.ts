function digits(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = b[i + k] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * The proleptic Gregorian date of day `days` since 1970-01-01 (H. Hinnant's civil_from_days),
 * written into `out` as year, month, day (no object per call on hot loops). The ONNX lowering
 * (features/lowerkit.ts lowerCivilFromDays) repeats these operations in the same order.
 */
export function civilFromDays(days: number, out: Float64Array): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[1] = m;
  out[2] = doy - Math.floor((153 * mp + 2) / 5) + 1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Epoch milliseconds of midnight UTC on a proleptic Gregorian date, or NaN when there is no such day. */
export function dateMillis(y: number, mo: number, d: number): number {
  if (mo < 1 || mo > 12 || d < 1) return NaN;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 && leap ? 29 : MONTH_DAYS[mo - 1])) return NaN;
  return daysFromCivil(y, mo, d) * 86400000;
}

/**
 * Parses an ISO date or datetime from bytes [s, e): YYYY-MM-DD, optionally followed by 'T' or a
 * space and HH:MM[:SS[.fff]], optionally followed by Z or ±HH[:MM]. No zone means UTC.
 * Returns epoch milliseconds, or NaN when the bytes are not such a date.
 */
export function parseDatetime(b: Uint8Array, s: number, e: number): number {
  while (s < e && b[s] === 32) s++;
  while (e > s && b[e - 1] === 32) e--;
  if (e - s < 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return NaN;
  const y = digits(b, s, 4);
  const mo = digits(b, s + 5, 2);
  const d = digits(b, s + 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1) return NaN;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 && leap ? 29 : MONTH_DAYS[mo - 1])) return NaN;
  let ms = daysFromCivil(y, mo, d) * 86400000;
  let i = s + 10;
  if (i === e) return ms;
  const sep = b[i];
  if (sep !== 84 && sep !== 116 && sep !== 32) return NaN;
  i++;
  if (e - i < 5 || b[i + 2] !== 58) return NaN;
  const hh = digits(b, i, 2);
  const mm = digits(b, i + 3, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return NaN;
  ms += hh * 3600000 + mm * 60000;
  i += 5;
  if (i < e && b[i] === 58) {
    const ss = digits(b, i + 1, 2);
    if (e - i < 3 || ss < 0 || ss > 60) return NaN;
    ms += ss * 1000;
    i += 3;
    if (i < e && (b[i] === 46 || b[i] === 44)) {
      i++;
      const start = i;
      let frac = 0;
      let scale = 100;
      while (i < e && b[i] >= 48 && b[i] <= 57) {
        frac += (b[i] - 48) * scale;
        scale /= 10;
        i++;
      }
      if (i === start) return NaN;
      ms += Math.floor(frac);
    }
  }
  if (i === e) return ms;
  const z = b[i];
  if ((z === 90 || z === 122) && i + 1 === e) return ms;
  if (z !== 43 && z !== 45) return NaN;
  i++;
  const oh = digits(b, i, 2);
  if (e - i < 2 || oh < 0 || oh > 23) return NaN;
  i += 2;
  let om = 0;
  if (i < e) {
    if (b[i] === 58) i++;
    om = e - i === 2 ? digits(b, i, 2) : -1;
    if (om < 0 || om > 59) return NaN;
  }
  const offset = (oh * 60 + om) * 60000;
  return z === 43 ? ms - offset : ms + offset;
}
