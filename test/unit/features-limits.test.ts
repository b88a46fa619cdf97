import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/lib/core/features/frame';
import { onehotStep } from '../../src/lib/core/features/onehot';
import { textStep } from '../../src/lib/core/features/text';
import { LatheError } from '../../src/lib/core/base/errors';

const ctx = { index: 2, seed: 1 };
const WORDS = Array.from({ length: 100 }, (_, i) => `word${i}`);

function words(rows: number): Frame {
  const codes = new Int32Array(rows);
  for (let i = 0; i < rows; i++) codes[i] = i % WORDS.length;
  return {
    rows,
    columns: [{ kind: 'category', name: 'doc', type: 'categorical', codes, dictionary: WORDS }]
  };
}

function refusal(run: () => unknown): LatheError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LatheError);
    return error as LatheError;
  }
  throw new Error('expected the step to refuse');
}

describe('steps refuse outputs a browser tab cannot hold, before allocating them', () => {
  // 2,000,001 rows × 100 new columns is just over 200 million cells (1.6 GB of float64).
  const big = words(2_000_001);

  it('text with a 100-token vocabulary on 2,000,001 rows', () => {
    const params = v.parse(textStep.params, { columns: ['doc'], mode: 'counts', maxFeatures: 100 });
    const state = textStep.fit(words(1000), params, ctx);
    const error = refusal(() => textStep.apply(big, params, state, ctx));
    expect(error.code).toBe('STEP_FAILED');
    expect(error.message).toBe(
      'Step 3 (text): the output would be 2,000,001 rows × 100 new columns (1.6 GB), more than a browser tab can hold (1.6 GB). Create fewer columns or filter rows first.'
    );
    // Just under the limit is fine.
    expect(textStep.apply(words(20_000), params, state, ctx).columns).toHaveLength(100);
  });

  it('one-hot with 100 levels on 2,000,001 rows', () => {
    const params = v.parse(onehotStep.params, { columns: ['doc'], missing: 'zeros' });
    const state = onehotStep.fit(words(1000), params, ctx);
    expect(refusal(() => onehotStep.apply(big, params, state, ctx)).details).toMatchObject({
      rows: 2_000_001,
      columns: 100
    });
  });
});
