/**
 * The graph builder and the column lowering context: names, typed values, constants, the
 * checks that catch a wrong lowering early, and that none of it (nor the model kinds that use
 * it) pulls protobuf, onnxruntime or tfjs into the first page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BATCH, GraphBuilder, OPSETS, attr } from '../../src/lib/core/onnx/graph';
import { ColumnLowering, featureMatrix } from '../../src/lib/core/onnx/lowering';
import { createSession, runSession } from '../../src/lib/core/onnx/runtime';
import { serializeModel } from '../../src/lib/core/onnx/serialize';

describe('GraphBuilder', () => {
  it('names values uniquely from hints, keeping reserved names free for inputs and outputs', () => {
    const g = new GraphBuilder();
    g.reserve(['age', 'label']);
    expect(g.unique('age')).toBe('age_1');
    expect(g.unique('scale')).toBe('scale');
    expect(g.unique('scale')).toBe('scale_1');
    expect(g.unique('a name with spaces/é')).toBe('a_name_with_spaces/_');
    expect(g.unique('')).toBe('v');
    const age = g.input('age', 'double');
    expect(age).toEqual({ name: 'age', dtype: 'double', shape: [BATCH, 1] });
    const out = g.output(age, 'label');
    expect(out.name).toBe('label');
    expect(() => g.input('age', 'double')).toThrow(
      'The graph already has a value named "age"; it cannot also be a graph input.'
    );
    expect(() => g.input('scale', 'double')).toThrow('already has a value named "scale"');
  });

  it('keeps typed constants with their shapes, and refuses a size that does not fit', () => {
    const g = new GraphBuilder();
    const w = g.floats('w', [1, 2, 3, 4, 5, 6], [2, 3]);
    expect(w).toEqual({ name: 'w', dtype: 'float', shape: [2, 3] });
    expect(g.int64s('k', [1, 2])).toEqual({ name: 'k', dtype: 'int64', shape: [2] });
    expect(g.strings('c', ['a', 'b']).dtype).toBe('string');
    expect(g.doubles('s', [0.5], []).shape).toEqual([]);
    expect(() => g.floats('bad', [1, 2, 3], [2, 2])).toThrow(
      'The constant "bad" has 3 values for shape [2, 2].'
    );
  });

  it('refuses values of another graph, unknown domains and graphs without outputs', () => {
    const a = new GraphBuilder();
    const b = new GraphBuilder();
    const x = a.input('x', 'float');
    expect(() => b.op('Neg', [x], { dtype: 'float' })).toThrow(
      'The Neg node reads "x", which is not a value of this graph.'
    );
    expect(() =>
      a.op('Tokenizer', [x], { dtype: 'string' }, {}, 'com.example' as keyof typeof OPSETS)
    ).toThrow('The operator Tokenizer is in the domain "com.example", which Lathe does not write.');
    expect(() => a.build()).toThrow('The graph has no outputs.');
  });

  it('builds a graph in order, with value info for the intermediate values and the domains used', () => {
    const g = new GraphBuilder('g');
    const x = g.input('x', 'double');
    const y = g.op('Abs', [x], { dtype: 'double', shape: [BATCH, 1] });
    const z = g.op('Cast', [y], { dtype: 'float' }, { to: attr.int(1) });
    g.output(z, 'out', [BATCH, 1]);
    const graph = g.build();
    expect(graph.nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([
      ['Abs', ['x'], ['abs']],
      ['Cast', ['abs'], ['cast']],
      ['Identity', ['cast'], ['out']]
    ]);
    expect(graph.valueInfo.map((v) => v.name)).toEqual(['abs']);
    expect(graph.outputs).toEqual([{ name: 'out', dtype: 'float', shape: [BATCH, 1] }]);
    expect(graph.domains).toEqual(['']);
  });

  it('keeps only the nodes, constants and inputs the outputs need', () => {
    const g = new GraphBuilder('g');
    const x = g.input('x', 'double');
    const target = g.input('target', 'string');
    g.op('LabelEncoder', [target], { dtype: 'int64', name: 'unused_code' }, {}, 'ai.onnx.ml');
    const unusedScale = g.doubles('unused_scale', [2], []);
    g.op('Mul', [x, unusedScale], { dtype: 'double', name: 'unused_product' });
    const y = g.op('Add', [x, g.doubles('one', [1], [])], { dtype: 'double', shape: [BATCH, 1] });
    g.output(y, 'y');
    const graph = g.build();
    expect(graph.inputs.map((v) => v.name)).toEqual(['x']);
    expect(graph.initializers.map((t) => t.name)).toEqual(['one']);
    expect(graph.nodes.map((n) => n.opType)).toEqual(['Add', 'Identity']);
    expect(graph.valueInfo.map((v) => v.name)).toEqual(['add']);
    expect(graph.domains).toEqual(['']);
  });
});

describe('ColumnLowering', () => {
  const raw = [
    { name: 'age', type: 'integer' as const },
    { name: 'city', type: 'categorical' as const },
    { name: 'signup', type: 'datetime' as const },
    { name: 'id', type: 'text' as const },
    { name: 'label', type: 'float' as const }
  ];

  it('makes a graph input of a raw column when it is first read, typed as the issue says', () => {
    const g = new GraphBuilder();
    const ctx = new ColumnLowering(g, raw);
    expect(ctx.columns).toEqual(['age', 'city', 'signup', 'id', 'label']);
    expect(ctx.column('city')).toEqual({ name: 'city', dtype: 'string', shape: [BATCH, 1] });
    expect(ctx.column('city')).toBe(ctx.column('city'));
    // A datetime arrives as int64 milliseconds and is read, like a Frame's, as double.
    expect(ctx.column('signup').dtype).toBe('double');
    expect(g.value('signup')?.dtype).toBe('int64');
    expect(ctx.column('age').dtype).toBe('double');
    // Only the columns read are inputs, in the order they were read.
    expect(ctx.inputs.map((c) => c.name)).toEqual(['city', 'signup', 'age']);
    // Generated names never take a raw column's name.
    expect(g.unique('id')).toBe('id_1');
  });

  it('lets a step replace, add and drop columns', () => {
    const g = new GraphBuilder();
    const ctx = new ColumnLowering(g, raw);
    ctx.step = 'log1p';
    const age = ctx.column('age');
    const logged = g.op('Log', [age], { dtype: 'double', shape: [BATCH, 1], name: 'age_log' });
    ctx.setColumn('age', logged);
    ctx.setColumn('age_squared', g.op('Mul', [age, age], { dtype: 'double', shape: [BATCH, 1] }));
    ctx.dropColumn('id');
    expect(ctx.column('age')).toBe(logged);
    expect(ctx.columns).toEqual(['age', 'city', 'signup', 'label', 'age_squared']);
    expect(ctx.has('id')).toBe(false);
    expect(() => ctx.column('id')).toThrow(
      'While exporting, the step "log1p" reads the column "id", which does not exist at that point.'
    );
    expect(() =>
      ctx.setColumn(
        'wide',
        g.op('Concat', [age, age], { dtype: 'double', shape: [BATCH, 2] }, { axis: attr.int(1) })
      )
    ).toThrow('made the column "wide" of shape [N, 2], not one value per row.');
    expect(() => ctx.refuse('the function "soundex" has no ONNX lowering.')).toThrow(
      'The step "log1p" cannot be exported to ONNX: the function "soundex" has no ONNX lowering.'
    );
  });

  it('refuses an output named like a raw column the graph reads', () => {
    const g = new GraphBuilder();
    const ctx = new ColumnLowering(g, raw);
    const label = ctx.column('label');
    expect(() => g.output(label, 'label')).toThrow('already has a value named "label"');
  });

  it('joins the feature columns into one float matrix, refusing columns that are not numbers', async () => {
    const g = new GraphBuilder();
    const ctx = new ColumnLowering(g, raw);
    const x = featureMatrix(ctx, ['label', 'age']);
    expect(x).toMatchObject({ dtype: 'float', shape: [BATCH, 2] });
    g.output(x, 'x');
    const session = await createSession(
      serializeModel(g.build(), { producerVersion: 't', modelVersion: 1 })
    );
    const out = await runSession(session, {
      age: { data: Float64Array.from([1, 2]), dims: [2, 1] },
      label: { data: Float64Array.from([0.1, NaN]), dims: [2, 1] }
    });
    await session.release();
    expect(Array.from(out.x.data as Float32Array)).toEqual([Math.fround(0.1), 1, NaN, 2]);
    expect(() =>
      featureMatrix(new ColumnLowering(new GraphBuilder(), raw), ['age', 'city'])
    ).toThrow(
      'This model cannot be exported to ONNX: the feature column "city" holds string values, not numbers.'
    );
  });
});

describe('what the first page loads', () => {
  const root = resolve(import.meta.dirname, '../../src/lib/core');

  /** Every bare package a module imports, following its relative imports. */
  function packagesReached(entry: string): Set<string> {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      const pattern = /^(?:(?:import|export)\s+(type\s+)?[^'"]*?from\s+|import\s+)'([^']+)'/gm;
      for (const m of text.matchAll(pattern)) {
        if (m[1]) continue;
        const spec = m[2];
        if (!spec.startsWith('.')) {
          packages.add(spec);
          continue;
        }
        const target = resolve(dirname(file), spec);
        queue.push(existsSync(target + '.ts') ? target + '.ts' : join(target, 'index.ts'));
      }
    }
    return packages;
  }

  it('keeps protobuf, onnxruntime and tfjs out of the model kinds and the spec parser', () => {
    for (const entry of ['models/registry.ts', 'pipeline/parse.ts', 'onnx/lowering.ts']) {
      const reached = [...packagesReached(join(root, entry))];
      expect(reached, entry).not.toContainEqual(
        expect.stringMatching(/^(onnx-proto|protobufjs|onnxruntime|@tensorflow)/)
      );
    }
    // The walk sees real imports: the kinds reach valibot, the serializer onnx-proto.
    expect(packagesReached(join(root, 'models/registry.ts'))).toContain('valibot');
    expect(packagesReached(join(root, 'onnx/serialize.ts'))).toContain('onnx-proto');
  });
});
