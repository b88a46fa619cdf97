import { describe, expect, it } from 'vitest';
import { dropRoundingNoise, formatCell, formatNumber } from '../../src/lib/ui/format';
import { importanceBars } from '../../src/lib/ui/models/metrics';

describe('formatCell', () => {
  it('shows at most 6 significant digits of a fraction', () => {
    expect(formatCell(-0.8832047531049447)).toBe('-0.883205');
    expect(formatCell(0.30000000000000004)).toBe('0.3');
    expect(formatCell(39.1)).toBe('39.1');
    expect(formatCell(3.14159265358979)).toBe('3.14159');
    expect(formatCell(123456.789)).toBe('123457');
    expect(formatCell(0.000123456789)).toBe('0.000123457');
  });

  it('keeps integers whole and large non-integers to the unit', () => {
    expect(formatCell(2007)).toBe('2007');
    expect(formatCell(-123456789)).toBe('-123456789');
    expect(formatCell(1234567.891)).toBe('1234568');
  });

  it('writes tiny and huge values with an exponent', () => {
    expect(formatCell(1.2345678e-7)).toBe('1.23457e-7');
    expect(formatCell(2e-9)).toBe('2e-9');
    expect(formatCell(6.02214076e23)).toBe('6.02214e+23');
  });

  it('names the special values', () => {
    expect(formatCell(0)).toBe('0');
    expect(formatCell(-0)).toBe('0');
    expect(formatCell(NaN)).toBe('NaN');
    expect(formatCell(Infinity)).toBe('Infinity');
    expect(formatCell(-Infinity)).toBe('-Infinity');
  });
});

describe('dropRoundingNoise', () => {
  it('is zero within 1e-12 of the scale and the value otherwise', () => {
    // -2.2e-17: what a mean of score drops that cancel (+1/52, -1/52, …) can leave.
    expect(dropRoundingNoise(-(2 ** -52) / 10, 0.96)).toBe(0);
    expect(dropRoundingNoise(5e-13, 1)).toBe(0);
    expect(dropRoundingNoise(1e-6, 1)).toBe(1e-6);
    expect(dropRoundingNoise(-1 / 52, 0.96)).toBe(-1 / 52);
    expect(dropRoundingNoise(3e-10, 1000)).toBe(0);
    expect(dropRoundingNoise(3e-8, 1000)).toBe(3e-8);
  });
});

describe('importanceBars', () => {
  it('shows a cancelled drop as 0 (not -2.220e-17) and sorts by drop', () => {
    const bars = importanceBars({
      metric: 'accuracy',
      baseline: 25 / 26,
      features: [
        { name: 'island', mean: -(2 ** -52) / 10, std: 2 ** -56 },
        { name: 'bill', mean: 0.25, std: 0.02 },
        { name: 'sex', mean: -1 / 52, std: 0.01 }
      ]
    });
    expect(bars.map((b) => b.label)).toEqual(['bill', 'island', 'sex']);
    expect(bars[1]).toEqual({ label: 'island', value: 0, error: 0 });
    expect(formatNumber(bars[1].value)).toBe('0');
    expect(bars[2].value).toBe(-1 / 52);
  });
});
