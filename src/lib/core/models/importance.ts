import { permutationImportance } from '../evaluate/permutation';
import { accuracyScorer, r2Scorer } from '../evaluate/scorers';
import type { SplitArrays } from './data';
import { predict, type Predictable } from './predict';
import { probabilityMatrix } from './run';

export interface FeatureImportance {
  metric: 'accuracy' | 'r2';
  baseline: number;
  features: { name: string; mean: number; std: number }[];
}

/**
 * Permutation importance of a trained model on one split: how much accuracy (classification) or
 * R² (regression) drops when one feature's values are shuffled, seeded, `repeats` times each.
 */
export async function modelImportance(
  model: Predictable,
  split: SplitArrays,
  featureNames: readonly string[],
  classes: readonly string[] | null,
  options: {
    repeats?: number;
    seed?: number;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
  } = {}
): Promise<FeatureImportance> {
  const rows = split.rows;
  const run = async (x: Float32Array) => {
    const output = await predict(model, x);
    return classes ? probabilityMatrix(output, rows, classes.length) : output;
  };
  const result = classes
    ? await permutationImportance(
        run,
        split.x,
        split.y as Int32Array,
        accuracyScorer(classes.length),
        options
      )
    : await permutationImportance(run, split.x, split.y as Float64Array, r2Scorer, options);
  return {
    metric: classes ? 'accuracy' : 'r2',
    baseline: result.baseline,
    features: featureNames.map((name, j) => ({ name, mean: result.mean[j], std: result.std[j] }))
  };
}
