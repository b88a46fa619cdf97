import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { onehotStep } from '../../src/lib/core/features/onehot';
import { ordinalStep } from '../../src/lib/core/features/ordinal';

const schema = [
  { name: 'colour', type: 'categorical' as const },
  { name: 'size', type: 'categorical' as const }
];
const ctx = { index: 1, seed: 0 };

describe('fixed category lists', () => {
  for (const step of [onehotStep, ordinalStep]) {
    it(`${step.type}: naming a column the step does not encode is refused before running`, () => {
      const params = v.parse(step.params, {
        columns: ['colour'],
        categories: [{ column: 'size', values: ['S', 'M'] }]
      });
      expect(() => step.outputSchema(schema, params as never, ctx)).toThrow(
        `Step 2 (${step.type}): categories are given for column "size", which is not encoded`
      );
    });
  }
});
