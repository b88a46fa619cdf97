import { describe, expect, it } from 'vitest';
import {
  MAX_SEARCH_RUNS,
  parseLayerList,
  parseNumberList,
  searchPoints
} from '../../src/lib/core/models/search';

const space = { learningRate: [0.001, 0.01, 0.1], l2: [0, 0.01], hiddenLayers: [[16], [32, 16]] };

describe('hyperparameter search points', () => {
  it('grid: every combination once, in a fixed order', () => {
    const points = searchPoints(space, 'grid');
    expect(points).toHaveLength(12);
    expect(points[0]).toEqual({ learningRate: 0.001, l2: 0, hiddenLayers: [16] });
    expect(points[11]).toEqual({ learningRate: 0.1, l2: 0.01, hiddenLayers: [32, 16] });
    expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(12);
  });

  it('random: distinct combinations, the same ones for the same seed', () => {
    const a = searchPoints(space, 'random', { count: 5, seed: 7 });
    const b = searchPoints(space, 'random', { count: 5, seed: 7 });
    const c = searchPoints(space, 'random', { count: 5, seed: 8 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a.map((p) => JSON.stringify(p))).size).toBe(5);
    expect(searchPoints(space, 'random', { count: 100, seed: 1 })).toHaveLength(12);
  });

  it('refuses a grid larger than a search may run', () => {
    const big = {
      learningRate: Array.from({ length: 9 }, (_, i) => i / 10 + 0.01),
      l2: Array.from({ length: 8 }, (_, i) => i)
    };
    expect(() => searchPoints(big, 'grid')).toThrow(
      `72 combinations; a search runs at most ${MAX_SEARCH_RUNS}`
    );
  });

  it('reads value lists as people type them, and names what is wrong', () => {
    expect(parseNumberList('0.001, 0.01 0.1', 'learning rates')).toEqual([0.001, 0.01, 0.1]);
    expect(() => parseNumberList('0.1, fast', 'learning rates')).toThrow(
      '"fast" in learning rates is not a number.'
    );
    expect(parseLayerList('64, 32; [16]')).toEqual([[64, 32], [16]]);
    expect(() => parseLayerList('64; 0.5')).toThrow('"0.5" is not a list of layer sizes');
  });
});
