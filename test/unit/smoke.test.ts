import { describe, expect, it } from 'vitest';
import { LatheError, toErrorData } from '../../src/lib/core/base/errors';

describe('LatheError', () => {
  it('crosses worker boundaries as plain data', () => {
    const data = toErrorData(new LatheError('EMPTY_FILE', 'empty', { file: 'a.csv' }));
    expect(structuredClone(data)).toEqual({
      code: 'EMPTY_FILE',
      message: 'empty',
      details: { file: 'a.csv' }
    });
  });
});
