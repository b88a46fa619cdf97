import { describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { STEP_KINDS, STEP_TYPES, stepKind } from '../../src/lib/core/features/registry';
import { canonicalJson, specHash } from '../../src/lib/core/spec/hash';
import { migrateSpec } from '../../src/lib/core/spec/migrate';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import {
  RESERVED_SECTIONS,
  SPEC_LIMITS,
  type PipelineSpec,
  type Task
} from '../../src/lib/core/spec/types';
import { validatePipeline } from '../../src/lib/core/features/validate';
import { baseSpec, fixtureKinds, fixtures, testKinds } from '../fixtures/pipelines/kinds';

const kinds = testKinds;

function failure(input: unknown, options = { kinds }): LatheError {
  try {
    parseSpec(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(LatheError);
    return error as LatheError;
  }
  throw new Error('expected parseSpec to throw');
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('registry', () => {
  it('keys every kind by its own type, frozen, without prototype lookups', () => {
    expect(Object.isFrozen(STEP_KINDS)).toBe(true);
    for (const [key, kind] of Object.entries(STEP_KINDS)) expect(kind.type).toBe(key);
    expect(STEP_TYPES).toEqual(Object.keys(STEP_KINDS).sort());
    expect(stepKind('constructor')).toBeUndefined();
    expect(stepKind('__proto__')).toBeUndefined();
    expect(stepKind('toString')).toBeUndefined();
  });
});

describe('parseSpec', () => {
  it('accepts every example spec and returns an equal, fresh copy', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
    for (const { file, json } of fixtures) {
      const spec = parseSpec(json, { kinds: fixtureKinds() });
      expect(spec, file).toEqual(json);
      expect(spec).not.toBe(json);
      expect(parseSpec(JSON.parse(JSON.stringify(spec)), { kinds: fixtureKinds() })).toEqual(spec);
    }
  });

  it('keeps optional fields absent rather than undefined', () => {
    const spec = parseSpec(baseSpec(), { kinds });
    expect('name' in spec).toBe(false);
    expect('timeColumn' in spec.split).toBe(false);
    expect(JSON.stringify(spec)).not.toContain('undefined');
  });

  it('names the path of a bad step parameter', () => {
    const spec = baseSpec({
      steps: [
        { type: 'center', columns: ['x'] },
        { type: 'drop', columns: ['g'] },
        { type: 'center', columns: ['y'], strategy: 'median' }
      ]
    });
    const error = failure(spec);
    expect(error.code).toBe('SPEC_INVALID');
    expect(error.message).toContain('steps[2].strategy');
    expect(error.details?.path).toBe('steps[2].strategy');
  });

  it('checks step params with the registered step kinds', () => {
    const spec = baseSpec({
      steps: [
        { type: 'impute', columns: ['x'], strategy: 'mean' },
        { type: 'impute', columns: ['x'], strategy: 'average' }
      ]
    });
    const error = failure(spec, { kinds: STEP_KINDS });
    expect(error.details?.path).toBe('steps[1].strategy');
    expect(parseSpec({ ...spec, steps: spec.steps.slice(0, 1) }).steps).toHaveLength(1);
  });

  it('rejects unknown fields at every level, by name', () => {
    const top = failure({ ...baseSpec(), colour: 'red' });
    expect(top.message).toContain('colour');
    expect(top.message).toContain('unknown field');
    const split = clone(baseSpec()) as unknown as { split: Record<string, unknown> };
    split.split.shuffle = true;
    expect(failure(split).message).toContain('split.shuffle');
    const step = baseSpec({ steps: [{ type: 'center', columns: ['x'], extra: 1 }] });
    expect(failure(step).message).toContain('steps[0].extra');
  });

  it('rejects an unknown step type and lists the known ones', () => {
    const error = failure(baseSpec({ steps: [{ type: 'teleport' }] }));
    expect(error.message).toContain('steps[0].type');
    expect(error.message).toContain('"teleport"');
    expect(error.message).toContain('center, drop, keepAbove, repeat');
    expect(failure(baseSpec({ steps: [{ type: 'constructor' }] })).message).toContain(
      'unknown step type'
    );
  });

  it('rejects __proto__, constructor and prototype keys anywhere', () => {
    const texts = [
      '{"__proto__": {"polluted": 1}, "version": 1}',
      JSON.stringify(baseSpec()).replace('"columns"', '"__proto__":{"x":1},"columns"'),
      JSON.stringify(baseSpec()).replace('"hash"', '"constructor":"x","hash"'),
      JSON.stringify(baseSpec()).replace('"seed":1', '"seed":1,"prototype":{}')
    ];
    for (const text of texts) {
      const error = failure(JSON.parse(text));
      expect(error.code).toBe('SPEC_INVALID');
      expect(error.message).toMatch(/forbidden key/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses non-JSON values, deep nesting and oversized strings and arrays', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...baseSpec(), seed: Infinity }, /finite/],
      [{ ...baseSpec(), name: 'x'.repeat(SPEC_LIMITS.stringChars + 1) }, /longer than/],
      [{ ...baseSpec(), name: 'x'.repeat(SPEC_LIMITS.nameChars + 1) }, /^.*name/],
      [baseSpec({ steps: [{ type: 'center', columns: Array(20_000).fill('x') }] }), /items/],
      [
        baseSpec({ steps: Array(SPEC_LIMITS.steps + 1).fill({ type: 'center', columns: [] }) }),
        /steps/
      ],
      [{ ...baseSpec(), when: new Date() }, /plain JSON/],
      [{ ...baseSpec(), f: () => 1 }, /not JSON/]
    ];
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    cases.push([baseSpec({ steps: [{ type: 'center', columns: deep as string[] }] }), /deeper/]);
    for (const [input, pattern] of cases) expect(failure(input).message).toMatch(pattern);
  });

  it('checks the source, target, seeds and split', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ source: { ...baseSpec().source, hash: 'ABC' } }, 'source.hash'],
      [
        { source: { kind: 'url', hash: 'a'.repeat(64), name: 'x', url: 'javascript:alert(1)' } },
        'source.url'
      ],
      [{ source: { kind: 'file', hash: 'a'.repeat(64), name: 'x' } }, 'source.fileName'],
      [
        {
          source: {
            kind: 'sample',
            hash: 'a'.repeat(64),
            name: 'x',
            sampleId: 's',
            url: 'https://a.b'
          }
        },
        'source.url'
      ],
      [{ target: '' }, 'target'],
      [{ task: 'ranking' }, 'task'],
      [{ seed: 1.5 }, 'seed'],
      [{ seed: -1 }, 'seed'],
      [{ split: { method: 'random', seed: 1, train: 0.5, validation: 0.2, test: 0.2 } }, 'split'],
      [
        { split: { method: 'random', seed: 1, train: 0, validation: 0.5, test: 0.5 } },
        'split.train'
      ],
      [
        { split: { method: 'time', seed: 1, train: 0.8, validation: 0.1, test: 0.1 } },
        'split.timeColumn'
      ],
      [
        {
          split: {
            method: 'random',
            seed: 1,
            train: 0.8,
            validation: 0.1,
            test: 0.1,
            timeColumn: 't'
          }
        },
        'split.timeColumn'
      ],
      [
        {
          task: 'regression',
          split: { method: 'stratified', seed: 1, train: 0.8, validation: 0.1, test: 0.1 }
        },
        'split.method'
      ],
      [{ version: '1' }, 'version']
    ];
    for (const [patch, path] of bad) {
      const error = failure({ ...baseSpec(), ...patch });
      expect(error.details?.path, JSON.stringify(patch)).toBe(path);
    }
  });

  it('refuses no section by name any more: model and train arrived with training', () => {
    expect(RESERVED_SECTIONS).toEqual([]);
    const spec = parseSpec(
      { ...baseSpec(), model: { type: 'logistic' }, train: { epochs: 5 } },
      { kinds }
    );
    expect(spec.model).toEqual({ type: 'logistic' });
    expect(spec.train).toEqual({ epochs: 5 });
  });
});

describe('model and train sections', () => {
  const withModel = (model: unknown, task: Task = 'binary') =>
    ({ ...baseSpec({ task }), model }) as unknown;
  const withTrain = (train: unknown, task: Task = 'binary') =>
    ({ ...baseSpec({ task }), train }) as unknown;

  it('keeps old specs valid: both sections are optional and stay absent', () => {
    const spec = parseSpec(baseSpec(), { kinds });
    expect('model' in spec).toBe(false);
    expect('train' in spec).toBe(false);
  });

  it('keeps the sections as written (defaults are filled when training, not in the spec)', () => {
    const model = { type: 'mlp', hiddenLayers: [32, 16], activation: 'gelu', dropout: 0.2 };
    const train = {
      optimizer: 'rmsprop',
      learningRate: 0.003,
      batchSize: 256,
      epochs: 40,
      earlyStopping: { patience: 4, minDelta: 0.001 },
      classWeight: { yes: 3, no: 1 },
      seed: 9,
      backend: 'wasm'
    };
    const spec = parseSpec({ ...baseSpec(), model, train }, { kinds });
    expect(spec.model).toEqual(model);
    expect(spec.train).toEqual(train);
    expect(parseSpec(withTrain({ earlyStopping: false }), { kinds }).train).toEqual({
      earlyStopping: false
    });
  });

  it('checks model params with the model kind and names the path', () => {
    const cases: [unknown, string, RegExp][] = [
      [
        { type: 'forest' },
        'model.type',
        /unknown model type "forest"; known types: linear, logistic, mlp/
      ],
      [{ type: 'constructor' }, 'model.type', /unknown model type/],
      [{ type: 'toString' }, 'model.type', /unknown model type/],
      [{ hiddenLayers: [3] }, 'model.type', /missing model type/],
      [{ type: 'logistic', hiddenLayers: [3] }, 'model.hiddenLayers', /unknown field/],
      [{ type: 'logistic', l2: -1 }, 'model.l2', /.+/],
      [{ type: 'mlp', hiddenLayers: [] }, 'model.hiddenLayers', /at least one hidden layer/],
      [{ type: 'mlp', hiddenLayers: [64, 0] }, 'model.hiddenLayers[1]', /.+/],
      [{ type: 'mlp', hiddenLayers: [64, 4097] }, 'model.hiddenLayers[1]', /.+/],
      [{ type: 'mlp', hiddenLayers: [2.5] }, 'model.hiddenLayers[0]', /.+/],
      [{ type: 'mlp', hiddenLayers: Array(17).fill(8) }, 'model.hiddenLayers', /at most 16/],
      [{ type: 'mlp', hiddenLayers: Array(16).fill(4096) }, 'model', /too large/],
      [{ type: 'mlp', activation: 'swish' }, 'model.activation', /.+/],
      [{ type: 'mlp', dropout: 0.95 }, 'model.dropout', /.+/],
      [{ type: 'mlp', l2: 101 }, 'model.l2', /.+/],
      ['mlp', 'model', /an object with a "type"/],
      [null, 'model', /an object with a "type"/],
      [[{ type: 'mlp' }], 'model', /an object with a "type"/]
    ];
    for (const [model, path, message] of cases) {
      const error = failure(withModel(model));
      expect(error.details?.path, JSON.stringify(model)).toBe(path);
      expect(error.message, JSON.stringify(model)).toMatch(message);
    }
  });

  it('refuses a model kind that cannot do the task', () => {
    const linear = failure(withModel({ type: 'linear' }, 'binary'));
    expect(linear.details?.path).toBe('model.type');
    expect(linear.message).toMatch(/linear regression model cannot do a binary task/);
    expect(failure(withModel({ type: 'logistic' }, 'regression')).message).toMatch(
      /cannot do a regression task/
    );
    for (const task of ['binary', 'multiclass', 'regression'] as const) {
      expect(parseSpec(withModel({ type: 'mlp' }, task), { kinds }).model).toEqual({ type: 'mlp' });
    }
  });

  it('bounds every train setting and names the path', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ optimizer: 'adagrad' }, 'train.optimizer'],
      [{ learningRate: 0 }, 'train.learningRate'],
      [{ learningRate: -0.1 }, 'train.learningRate'],
      [{ learningRate: 2e6 }, 'train.learningRate'],
      [{ batchSize: 0 }, 'train.batchSize'],
      [{ batchSize: 65_537 }, 'train.batchSize'],
      [{ batchSize: 3.5 }, 'train.batchSize'],
      [{ epochs: 0 }, 'train.epochs'],
      [{ epochs: 10_001 }, 'train.epochs'],
      [{ earlyStopping: true }, 'train.earlyStopping'],
      [{ earlyStopping: 'yes' }, 'train.earlyStopping'],
      [{ earlyStopping: { patience: 0 } }, 'train.earlyStopping.patience'],
      [{ earlyStopping: { patience: 3, minDelta: -1 } }, 'train.earlyStopping.minDelta'],
      [{ earlyStopping: { patience: 3, delta: 1 } }, 'train.earlyStopping'],
      [{ classWeight: 'auto' }, 'train.classWeight'],
      [{ classWeight: { a: 0 } }, 'train.classWeight.a'],
      [{ classWeight: { a: 2e6 } }, 'train.classWeight.a'],
      [{ seed: -1 }, 'train.seed'],
      [{ seed: 2 ** 32 }, 'train.seed'],
      [{ backend: 'webgl' }, 'train.backend'],
      [{ momentum: 0.9 }, 'train.momentum']
    ];
    for (const [train, path] of cases) {
      const error = failure(withTrain(train));
      expect(error.code).toBe('SPEC_INVALID');
      expect(error.details?.path, JSON.stringify(train)).toBe(path);
    }
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`c${i}`, 1]));
    expect(failure(withTrain({ classWeight: many })).message).toMatch(/1000/);
    // A diverging learning rate is allowed in the spec: training reports it (models-train tests).
    expect(parseSpec(withTrain({ learningRate: 1e6 }), { kinds }).train).toEqual({
      learningRate: 1e6
    });
  });

  it('allows class weights for classification only', () => {
    const error = failure(withTrain({ classWeight: 'balanced' }, 'regression'));
    expect(error.details?.path).toBe('train.classWeight');
    expect(error.message).toMatch(/classification/);
    expect(parseSpec(withTrain({ classWeight: 'none' }, 'regression'), { kinds }).train).toEqual({
      classWeight: 'none'
    });
  });

  it('changes the spec hash when the model or training changes', async () => {
    const a = await specHash(parseSpec(withModel({ type: 'mlp' }), { kinds }) as PipelineSpec);
    const b = await specHash(
      parseSpec(withModel({ type: 'mlp', dropout: 0.1 }), { kinds }) as PipelineSpec
    );
    const c = await specHash({ ...baseSpec(), train: { epochs: 3 } });
    expect(new Set([a, b, c, await specHash(baseSpec())]).size).toBe(4);
  });
});

describe('migrateSpec', () => {
  it('brings a version 0 spec to version 1 (documented no-op example)', () => {
    const v0 = { ...baseSpec(), version: 0 };
    expect(migrateSpec(v0)).toEqual(baseSpec());
    expect(parseSpec(v0, { kinds })).toEqual(baseSpec());
  });

  it('refuses future versions, telling the user to update Lathe', () => {
    const error = failure({ ...baseSpec(), version: 2 });
    expect(error.code).toBe('SPEC_FUTURE_VERSION');
    expect(error.message).toMatch(/newer Lathe.*Update Lathe/);
  });

  it('refuses unknown past versions and missing versions', () => {
    expect(failure({ ...baseSpec(), version: -1 }).message).toContain('unknown spec version');
    const { version: _, ...noVersion } = baseSpec();
    expect(failure(noVersion).details?.path).toBe('version');
    expect(failure([]).code).toBe('SPEC_INVALID');
    expect(failure(null).code).toBe('SPEC_INVALID');
  });
});

describe('specHash', () => {
  it('hashes canonical JSON: key order does not matter, content does', async () => {
    const spec = baseSpec();
    const reordered = JSON.parse(
      JSON.stringify(spec, Object.keys(spec).concat(['kind', 'hash', 'name', 'sampleId']).reverse())
    );
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 'x' }] })).toBe('{"a":[{"c":"x","d":2}],"b":1}');
    const hash = await specHash(spec);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await specHash({ ...reordered, steps: spec.steps, split: spec.split })).toBe(hash);
    expect(await specHash({ ...spec, seed: 6 })).not.toBe(hash);
  });
});

describe('validatePipeline', () => {
  const schema = [
    { name: 'x', type: 'integer' as const },
    { name: 'y', type: 'float' as const },
    { name: 'g', type: 'categorical' as const },
    { name: 'label', type: 'categorical' as const }
  ];

  it('returns the schema after each step', () => {
    const spec = baseSpec({
      steps: [
        { type: 'center', columns: ['x'] },
        { type: 'drop', columns: ['g'] }
      ]
    });
    const check = validatePipeline(spec, schema, { kinds });
    expect(check.ok).toBe(true);
    expect(check.steps).toEqual([
      [{ name: 'x', type: 'float' }, schema[1], schema[2], schema[3]],
      [{ name: 'x', type: 'float' }, schema[1], schema[3]]
    ]);
  });

  it('stops at the first failing step with its index and the schemas before it', () => {
    const spec = baseSpec({
      steps: [
        { type: 'drop', columns: ['y'] },
        { type: 'center', columns: ['y'] },
        { type: 'center', columns: ['nope'] }
      ]
    });
    const check = validatePipeline(spec, schema, { kinds });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.stepIndex).toBe(1);
    expect(check.steps).toHaveLength(1);
    expect(check.error.code).toBe('STEP_INVALID');
    expect(check.error.message).toMatch(/^Step 2 \(center\): column "y" is missing/);
  });

  it('refuses a step that removes or retypes the target', () => {
    const drop = validatePipeline(
      baseSpec({ steps: [{ type: 'drop', columns: ['label'] }] }),
      schema,
      {
        kinds
      }
    );
    expect(!drop.ok && drop.error.message).toMatch(/removes the target column "label"/);
    const regression = baseSpec({
      target: 'y',
      task: 'regression',
      steps: [{ type: 'center', columns: ['x', 'y'] }]
    });
    const retype = validatePipeline(
      regression,
      [...schema.slice(0, 1), { name: 'y', type: 'integer' }],
      {
        kinds
      }
    );
    expect(!retype.ok && retype.error.message).toMatch(/changes the type of the target/);
  });

  it('checks the target and the time column against the dataset', () => {
    const missing = validatePipeline(baseSpec({ target: 'nope' }), schema, { kinds });
    expect(!missing.ok && missing.stepIndex).toBe(null);
    expect(!missing.ok && missing.error.message).toContain('"nope" is not in the dataset');
    const wrongType = validatePipeline(baseSpec({ target: 'y' }), schema, { kinds });
    expect(!wrongType.ok && wrongType.error.message).toMatch(/float; a binary task needs/);
    const time = baseSpec({
      split: { method: 'time', seed: 1, train: 0.8, validation: 0.1, test: 0.1, timeColumn: 'g' }
    });
    const badTime = validatePipeline(time, schema, { kinds });
    expect(!badTime.ok && badTime.error.message).toMatch(/time column "g" is categorical/);
  });
});
