/**
 * Serialize → read back gives the same inputs, outputs, opsets and metadata; the reader refuses
 * hostile or foreign bytes with a LatheError that says what is wrong; and the runtime limits it
 * enforces are those of the onnxruntime-web build the app ships.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { createRng } from '../../src/lib/core/base/random';
import { BATCH, GraphBuilder, attr, type GraphDef } from '../../src/lib/core/onnx/graph';
import {
  LATHE_METADATA_KEY,
  METADATA_LIMITS,
  type OnnxMetadata
} from '../../src/lib/core/onnx/metadata';
import { onnx, type OnnxProto } from '../../src/lib/core/onnx/proto';
import {
  READ_LIMITS,
  RUNTIME_LIMITS,
  checkOnnxSize,
  checkRunnable,
  readOnnx,
  runtimeRefusal,
  type OnnxSummary
} from '../../src/lib/core/onnx/read';
import { createSession, runSession } from '../../src/lib/core/onnx/runtime';
import { modelProto, serializeModel } from '../../src/lib/core/onnx/serialize';
import { nested } from './protobuf-bytes';

const HASH = 'ab'.repeat(32);

const metadata: OnnxMetadata = {
  format: 'lathe-onnx',
  version: 1,
  task: 'regression',
  target: 'price',
  inputs: [
    {
      name: 'age',
      type: 'integer',
      elementType: 'double',
      missingTokens: ['', 'na'],
      range: { min: 0, max: 99 }
    },
    {
      name: 'city',
      type: 'categorical',
      elementType: 'string',
      missingTokens: [''],
      categories: ['Köln', 'Oslo']
    },
    {
      name: 'signup',
      type: 'datetime',
      elementType: 'int64',
      missingTokens: [],
      range: { min: 0, max: 1.7e12 }
    }
  ],
  outputs: ['prediction'],
  classes: null,
  model: 'linear',
  spec: { version: 1, steps: [{ type: 'scale', columns: ['age'] }] },
  trainingOnlySteps: ['filter'],
  hashes: { dataset: HASH, featureSet: HASH, spec: HASH, model: null },
  engineVersion: '2',
  backend: 'wasm',
  metrics: { test: { r2: 0.75, rmse: 1.5 }, validation: { r2: null } }
};

/** Three raw inputs (double, string, int64), one ai.onnx.ml node, three outputs. */
function sampleGraph(): GraphDef {
  const g = new GraphBuilder('sample');
  const age = g.input('age', 'double');
  const city = g.input('city', 'string');
  const signup = g.input('signup', 'int64');
  const code = g.op(
    'LabelEncoder',
    [city],
    { dtype: 'int64', shape: [BATCH, 1], name: 'city_code' },
    {
      keys_strings: attr.strings(['Köln', 'Oslo']),
      values_int64s: attr.ints([1, 2]),
      default_int64: attr.int(0)
    },
    'ai.onnx.ml'
  );
  const prediction = g.op(
    'Cast',
    [age],
    { dtype: 'float', shape: [BATCH, 1] },
    { to: attr.int(1) }
  );
  g.output(prediction, 'prediction');
  g.output(code, 'city_code_out');
  g.output(signup, 'signup_out');
  return g.build();
}

function bytesOf(graph = sampleGraph()): Uint8Array {
  return serializeModel(graph, {
    producerVersion: '0.1.0',
    modelVersion: 3,
    docString: 'A <b>test</b> model',
    metadata
  });
}

function refusal(run: () => unknown): LatheError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LatheError);
    return error as LatheError;
  }
  throw new Error('expected a LatheError');
}

describe('serialize → read', () => {
  it('reads back the versions, inputs, outputs, operators and metadata written', () => {
    const summary = readOnnx(bytesOf());
    expect(summary).toEqual({
      irVersion: 8,
      opsets: [
        { domain: '', version: 17 },
        { domain: 'ai.onnx.ml', version: 3 }
      ],
      producerName: 'lathe',
      producerVersion: '0.1.0',
      modelVersion: 3,
      docString: 'A <b>test</b> model',
      graphName: 'sample',
      inputs: [
        { name: 'age', kind: 'tensor', elementType: 'double', shape: ['N', 1] },
        { name: 'city', kind: 'tensor', elementType: 'string', shape: ['N', 1] },
        { name: 'signup', kind: 'tensor', elementType: 'int64', shape: ['N', 1] }
      ],
      outputs: [
        { name: 'prediction', kind: 'tensor', elementType: 'float', shape: ['N', 1] },
        { name: 'city_code_out', kind: 'tensor', elementType: 'int64', shape: ['N', 1] },
        { name: 'signup_out', kind: 'tensor', elementType: 'int64', shape: ['N', 1] }
      ],
      operators: [
        { domain: '', opType: 'Cast', count: 1 },
        { domain: '', opType: 'Identity', count: 3 },
        { domain: 'ai.onnx.ml', opType: 'LabelEncoder', count: 1 }
      ],
      functions: [],
      metadataProps: [{ key: LATHE_METADATA_KEY, value: JSON.stringify(metadata) }],
      metadata
    });
  });

  it('writes a model onnxruntime-web runs, strings and int64 included', async () => {
    const session = await createSession(bytesOf());
    const out = await runSession(session, {
      age: { data: Float64Array.from([1.5, NaN]), dims: [2, 1] },
      city: { data: ['Oslo', 'Paris'], dims: [2, 1] },
      signup: { data: BigInt64Array.from([1700000000000n, -1n]), dims: [2, 1] }
    });
    await session.release();
    expect(Array.from(out.prediction.data as Float32Array)).toEqual([1.5, NaN]);
    expect(Array.from(out.city_code_out.data as BigInt64Array)).toEqual([2n, 0n]);
    expect(Array.from(out.signup_out.data as BigInt64Array)).toEqual([1700000000000n, -1n]);
  });

  it('reads a model without Lathe metadata (made elsewhere) with metadata null', () => {
    const bytes = serializeModel(sampleGraph(), { producerVersion: 'x', modelVersion: 0 });
    const summary = readOnnx(bytes);
    expect(summary.metadata).toBeNull();
    expect(summary.metadataProps).toEqual([]);
  });

  it('lists initializers that are also graph inputs (old IR style) only as initializers', () => {
    const proto = modelProto(sampleGraph(), { producerVersion: 'x', modelVersion: 0 });
    proto.graph!.initializer = [{ name: 'w', dims: [1], dataType: 1, floatData: [1] }];
    proto.graph!.input = [
      ...proto.graph!.input!,
      { name: 'w', type: { tensorType: { elemType: 1 } } }
    ];
    const summary = readOnnx(onnx.ModelProto.encode(proto).finish());
    expect(summary.inputs.map((i) => i.name)).toEqual(['age', 'city', 'signup']);
  });
});

describe('reading bad input', () => {
  const good = bytesOf();

  it('refuses truncated files, wherever they are cut, with a LatheError', () => {
    for (const cut of [1, 2, 10, 40, Math.floor(good.length / 2), good.length - 1]) {
      const error = refusal(() => readOnnx(good.subarray(0, cut), { fileName: 'model.onnx' }));
      expect(['ONNX_CORRUPT', 'ONNX_NOT_ONNX'], `cut at ${cut}`).toContain(error.code);
      expect(error.message).toContain('"model.onnx"');
    }
    // Every other cut either reads (a cut between top-level fields) or is a LatheError.
    for (let cut = 1; cut < good.length; cut++) {
      try {
        readOnnx(good.subarray(0, cut));
      } catch (error) {
        expect(error, `cut at ${cut}`).toBeInstanceOf(LatheError);
      }
    }
  });

  it('says where the damage is', () => {
    const error = refusal(() =>
      readOnnx(good.subarray(0, good.length - 1), { fileName: 'm.onnx' })
    );
    expect(error.code).toBe('ONNX_CORRUPT');
    expect(error.message).toMatch(
      /^"m\.onnx" \(at byte [\d,]+ of [\d,]+\) is not a readable ONNX model: it is damaged, truncated or another kind of file \(.+\)\.$/
    );
  });

  it('refuses random bytes', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rng = createRng(seed);
      const bytes = Uint8Array.from({ length: 64 + seed * 37 }, () => Math.floor(rng() * 256));
      const error = refusal(() => readOnnx(bytes));
      expect(['ONNX_CORRUPT', 'ONNX_NOT_ONNX'], `seed ${seed}`).toContain(error.code);
    }
  });

  it('refuses other kinds of file, saying what they look like', () => {
    const text = new TextEncoder().encode('sepal_length,species\n5.1,setosa\n4.9,setosa\n');
    expect(refusal(() => readOnnx(text, { fileName: 'iris.csv' })).message).toBe(
      '"iris.csv" is not an ONNX model: it looks like text (CSV or JSON, perhaps).'
    );
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(refusal(() => readOnnx(png, { fileName: 'a.png' })).message).toBe(
      '"a.png" is not an ONNX model: it looks like a PNG image.'
    );
    const empty = refusal(() => readOnnx(new Uint8Array(0), { fileName: 'e.onnx' }));
    expect([empty.code, empty.message]).toEqual(['ONNX_EMPTY', '"e.onnx" is empty.']);
    // Valid protobuf with nothing a model needs.
    const bare = onnx.ModelProto.encode({ modelVersion: 5, docString: 'hello' }).finish();
    const error = refusal(() => readOnnx(bare));
    expect(error.code).toBe('ONNX_NOT_ONNX');
    expect(error.message).toContain('(no IR version, no graph, no opset imports)');
  });

  it('refuses an opset or IR version newer than onnxruntime-web runs', () => {
    const withOpsets = (opsetImport: { domain: string; version: number }[], irVersion = 8) => {
      const proto = modelProto(sampleGraph(), { producerVersion: 'x', modelVersion: 0 });
      return onnx.ModelProto.encode({ ...proto, opsetImport, irVersion }).finish();
    };
    const onnxOpset = refusal(() =>
      readOnnx(withOpsets([{ domain: '', version: RUNTIME_LIMITS.opsets[''] + 1 }]), {
        fileName: 'new.onnx'
      })
    );
    expect(onnxOpset.code).toBe('ONNX_OPSET_UNSUPPORTED');
    expect(onnxOpset.message).toBe(
      `"new.onnx" uses opset 27 of ai.onnx; onnxruntime-web runs up to opset 26. Convert it to opset 26 or lower (target_opset in skl2onnx, opset_version in torch.onnx).`
    );
    const ml = refusal(() =>
      readOnnx(
        withOpsets([
          { domain: '', version: 17 },
          { domain: 'ai.onnx.ml', version: 6 }
        ])
      )
    );
    expect([ml.code, ml.details]).toEqual([
      'ONNX_OPSET_UNSUPPORTED',
      { domain: 'ai.onnx.ml', version: 6, supported: 5 }
    ]);
    const ir = refusal(() => readOnnx(withOpsets([{ domain: '', version: 17 }], 14)));
    expect(ir.code).toBe('ONNX_IR_UNSUPPORTED');
    expect(ir.message).toContain(
      'has ONNX IR version 14; onnxruntime-web runs models up to IR version 13.'
    );
    // The newest supported versions read.
    expect(
      readOnnx(
        withOpsets(
          [
            { domain: '', version: 26 },
            { domain: 'ai.onnx.ml', version: 5 }
          ],
          13
        )
      ).irVersion
    ).toBe(13);
  });

  it('refuses messages nested thousands deep (protobufjs #2121) instead of overflowing the stack', () => {
    // ModelProto.graph → (GraphProto.node → NodeProto.attribute → AttributeProto.g) × 3000
    const graphs = [7, ...Array.from({ length: 3000 }, () => [1, 5, 6]).flat()];
    const error = refusal(() => readOnnx(nested(graphs), { fileName: 'deep.onnx' }));
    expect(error.code).toBe('ONNX_TOO_DEEP');
    expect(error.message).toContain(`nests messages more than ${READ_LIMITS.depth} deep`);

    // Types nest too: graph.input → ValueInfoProto.type → (TypeProto.sequence_type →
    // Sequence.elem_type) × 5000.
    const types = [7, 11, 2, ...Array.from({ length: 5000 }, () => [4, 1]).flat()];
    expect(refusal(() => readOnnx(nested(types))).code).toBe('ONNX_TOO_DEEP');

    // A legitimate file decodes again afterwards (the depth count is reset).
    expect(readOnnx(good).irVersion).toBe(8);
  });

  it('refuses protobuf groups nested deep, which protobufjs skips by unbounded recursion', () => {
    // Field 99, wire type 3 (start group): tag 795 = varint 0x9b 0x06, 200,000 times. The
    // field is unknown to ModelProto, so the decoder skips it.
    const start = [0x9b, 0x06];
    const bytes = new Uint8Array(400_000);
    for (let i = 0; i < bytes.length; i += 2) bytes.set(start, i);
    // The library itself overflows the stack on these bytes …
    expect(() => onnx.ModelProto.decode(bytes)).toThrow(RangeError);
    // … the reader says what is wrong.
    const error = refusal(() => readOnnx(bytes));
    expect(error.code).toBe('ONNX_CORRUPT');
    expect(error.message).toContain('it uses protobuf groups, which ONNX files never contain');
  });

  it('refuses files over the size limit before reading them', () => {
    const error = refusal(() => checkOnnxSize(2 * 1024 ** 3, 'huge.onnx'));
    expect(error.code).toBe('ONNX_TOO_LARGE');
    expect(error.message).toBe(
      '"huge.onnx" is 2,048 MB; models up to 512 MB can be read in the browser.'
    );
    expect(() => checkOnnxSize(READ_LIMITS.bytes)).not.toThrow();
  });

  it('refuses malformed Lathe metadata, naming the field', () => {
    const withProps = (value: string) => {
      const proto = modelProto(sampleGraph(), { producerVersion: 'x', modelVersion: 0 });
      proto.metadataProps = [{ key: LATHE_METADATA_KEY, value }];
      return onnx.ModelProto.encode(proto).finish();
    };
    const notJson = refusal(() => readOnnx(withProps('{"format":')));
    expect(notJson.code).toBe('ONNX_METADATA_INVALID');
    expect(notJson.message).toMatch(/^The model's Lathe metadata is not valid JSON/);
    const wrongField = refusal(() =>
      readOnnx(
        withProps(
          JSON.stringify({ ...metadata, inputs: [{ ...metadata.inputs[0], type: 'blob' }] })
        )
      )
    );
    expect(wrongField.message).toMatch(
      /^The model's Lathe metadata is malformed at inputs\.0\.type: /
    );
    const extra = refusal(() => readOnnx(withProps(JSON.stringify({ ...metadata, script: 'x' }))));
    expect(extra.details).toEqual({ path: 'script' });
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const tooDeep = refusal(() =>
      readOnnx(
        withProps(JSON.stringify({ ...metadata, spec: 0 }).replace('"spec":0', `"spec":${deep}`))
      )
    );
    expect(tooDeep.message).toBe(
      `The model's Lathe metadata is nested more than ${METADATA_LIMITS.depth} levels deep.`
    );
  });
});

describe('runtime limits', () => {
  /** A one-node model declaring the given IR version and opsets. */
  function declared(irVersion: number, opsets: { domain: string; version: number }[]) {
    const g = new GraphBuilder();
    g.output(g.op('Neg', [g.input('x', 'float')], { dtype: 'float', shape: [BATCH, 1] }), 'y');
    const proto = modelProto(g.build(), { producerVersion: 'x', modelVersion: 0 });
    return onnx.ModelProto.encode({ ...proto, irVersion, opsetImport: opsets }).finish();
  }

  it('match what onnxruntime-web loads: the newest versions load, one newer does not', async () => {
    const newest = [
      { domain: '', version: RUNTIME_LIMITS.opsets[''] },
      { domain: 'ai.onnx.ml', version: RUNTIME_LIMITS.opsets['ai.onnx.ml'] }
    ];
    const session = await createSession(declared(RUNTIME_LIMITS.irVersion, newest));
    await session.release();
    const tooNew = [
      declared(RUNTIME_LIMITS.irVersion + 1, newest),
      declared(8, [{ domain: '', version: RUNTIME_LIMITS.opsets[''] + 1 }]),
      declared(8, [
        { domain: '', version: 17 },
        { domain: 'ai.onnx.ml', version: RUNTIME_LIMITS.opsets['ai.onnx.ml'] + 1 }
      ])
    ];
    for (const bytes of tooNew) {
      await expect(createSession(bytes)).rejects.toMatchObject({ code: 'ONNX_RUNTIME' });
      expect(() => readOnnx(bytes)).toThrow(LatheError);
    }
  });
});

// Files made by scripts/make-onnx-import-fixtures.py (python-onnx's helper API), each with what
// python-onnx reads of it.
const IMPORT_FIXTURES = 'test/fixtures/onnx-import';
const fixture = (name: string) => new Uint8Array(readFileSync(`${IMPORT_FIXTURES}/${name}.onnx`));
const pythonSummary = (name: string) =>
  JSON.parse(readFileSync(`${IMPORT_FIXTURES}/${name}.summary.json`, 'utf8')) as Record<
    string,
    unknown
  >;

/** A one-node model in the given domain, as a foreign tool might write it. */
function oneNode(
  node: {
    opType: string;
    domain: string;
    input?: string[];
    attribute?: OnnxProto.IAttributeProto[];
  },
  options: {
    inputType?: OnnxProto.ITypeProto;
    outputType?: OnnxProto.ITypeProto;
    /** More outputs after "y", by name. */
    moreOutputs?: Record<string, OnnxProto.ITypeProto>;
    functions?: OnnxProto.IFunctionProto[];
  } = {}
): Uint8Array {
  const tensor = (elemType: number): OnnxProto.ITypeProto => ({
    tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } }
  });
  const input = node.input ?? ['x'];
  const outputs = { y: options.outputType ?? tensor(1), ...options.moreOutputs };
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 17 },
      ...(node.domain && node.domain !== 'ai.onnx' ? [{ domain: node.domain, version: 1 }] : [])
    ],
    producerName: 'elsewhere',
    graph: {
      name: 'g',
      node: [{ ...node, input, output: Object.keys(outputs), name: 'the_node' }],
      input: input.map((name) => ({ name, type: options.inputType ?? tensor(1) })),
      output: Object.entries(outputs).map(([name, type]) => ({ name, type }))
    },
    functions: options.functions ?? []
  }).finish();
}

async function loadRefusal(bytes: Uint8Array, fileName: string): Promise<LatheError> {
  const summary = readOnnx(bytes, { fileName });
  checkRunnable(summary, fileName);
  const error = await createSession(bytes).then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toMatchObject({ code: 'ONNX_RUNTIME' });
  return runtimeRefusal(summary, String((error as LatheError).details?.reason), fileName);
}

describe('import checks', () => {
  it('read files made elsewhere as python-onnx reads them', () => {
    for (const name of [
      'elsewhere-classifier',
      'unsupported-operator',
      'zipmap-classifier',
      'lathe-penguins-logistic'
    ]) {
      const summary: Partial<OnnxSummary> = readOnnx(fixture(name));
      const { graphName, docString, producerName, producerVersion, irVersion, opsets } = summary;
      const { inputs, outputs, operators, metadataProps } = summary;
      expect(
        {
          irVersion,
          opsets,
          producerName,
          producerVersion,
          docString,
          graphName,
          inputs,
          outputs,
          operators,
          metadataProps
        },
        name
      ).toEqual(pythonSummary(name));
    }
  });

  it('read the Lathe metadata of a Lathe export, and none from a file made elsewhere', () => {
    const lathe = readOnnx(fixture('lathe-penguins-logistic'));
    expect(lathe.producerName).toBe('lathe');
    expect(lathe.metadata).toMatchObject({
      format: 'lathe-onnx',
      task: 'multiclass',
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
      outputs: ['label', 'probabilities']
    });
    expect(readOnnx(fixture('elsewhere-classifier')).metadata).toBeNull();
  });

  it('refuse an opset newer than onnxruntime-web runs, naming it', () => {
    const error = refusal(() => readOnnx(fixture('opset-too-new'), { fileName: 'new.onnx' }));
    expect([error.code, error.message]).toEqual([
      'ONNX_OPSET_UNSUPPORTED',
      '"new.onnx" uses opset 27 of ai.onnx; onnxruntime-web runs up to opset 26. Convert it to opset 26 or lower (target_opset in skl2onnx, opset_version in torch.onnx).'
    ]);
  });

  it('keep a model whose outputs are tensors; leave out a ZipMap output beside a label', () => {
    expect(checkRunnable(readOnnx(fixture('elsewhere-classifier')))).toEqual({
      unusableOutputs: []
    });
    expect(checkRunnable(readOnnx(fixture('zipmap-classifier')))).toEqual({
      unusableOutputs: ['output_probability']
    });
  });

  it('refuse operators of domains the wasm build has no kernels for, naming them', () => {
    const bytes = oneNode(
      { opType: 'StringRegexReplace', domain: 'ai.onnx.contrib' },
      { inputType: { tensorType: { elemType: 8 } }, outputType: { tensorType: { elemType: 8 } } }
    );
    const error = refusal(() => checkRunnable(readOnnx(bytes), 'regex.onnx'));
    expect(error.code).toBe('ONNX_OPERATOR_UNSUPPORTED');
    expect(error.message).toBe(
      `"regex.onnx" uses the operator StringRegexReplace (ai.onnx.contrib), which onnxruntime-web's wasm build does not run: it has kernels for the ai.onnx, ai.onnx.ml and com.microsoft domains only. Lathe runs every model in that build, so this one cannot be imported.`
    );
    expect(error.details).toMatchObject({
      operator: 'StringRegexReplace',
      domain: 'ai.onnx.contrib'
    });
    const training = refusal(() =>
      checkRunnable(readOnnx(oneNode({ opType: 'Momentum', domain: 'ai.onnx.preview.training' })))
    );
    expect(training.message).toContain('Momentum (ai.onnx.preview.training)');
  });

  it('let a node call a model-local function of its own domain', async () => {
    const bytes = oneNode(
      { opType: 'Twice', domain: 'local.fns' },
      {
        functions: [
          {
            name: 'Twice',
            domain: 'local.fns',
            input: ['a'],
            output: ['b'],
            node: [{ opType: 'Add', input: ['a', 'a'], output: ['b'] }],
            opsetImport: [{ domain: '', version: 17 }]
          }
        ]
      }
    );
    const summary = readOnnx(bytes);
    expect(summary.functions).toEqual([{ domain: 'local.fns', name: 'Twice' }]);
    expect(summary.operators).toEqual([
      { domain: '', opType: 'Add', count: 1 },
      { domain: 'local.fns', opType: 'Twice', count: 1 }
    ]);
    expect(checkRunnable(summary)).toEqual({ unusableOutputs: [] });
    // … and onnxruntime-web does run it: 2 × 1.5.
    const session = await createSession(bytes);
    const out = await runSession(session, { x: { data: Float32Array.from([1.5]), dims: [1, 1] } });
    await session.release();
    expect(Array.from(out.y.data as Float32Array)).toEqual([3]);
  });

  it('refuse inputs that are not tensors, and models with no tensor output', () => {
    const mapType: OnnxProto.ITypeProto = {
      mapType: { keyType: 8, valueType: { tensorType: { elemType: 1 } } }
    };
    const mapIn = refusal(() =>
      checkRunnable(
        readOnnx(
          oneNode({ opType: 'DictVectorizer', domain: 'ai.onnx.ml' }, { inputType: mapType })
        ),
        'dict.onnx'
      )
    );
    expect([mapIn.code, mapIn.message]).toEqual([
      'ONNX_INPUT_UNSUPPORTED',
      '"dict.onnx" takes its input "x" as a map; onnxruntime-web is fed tensors only, so Lathe cannot run this model.'
    ]);
    const zipOnly = refusal(() =>
      checkRunnable(
        readOnnx(
          oneNode(
            { opType: 'ZipMap', domain: 'ai.onnx.ml' },
            { outputType: { sequenceType: { elemType: mapType } } }
          )
        ),
        'zip.onnx'
      )
    );
    expect([zipOnly.code, zipOnly.message]).toEqual([
      'ONNX_NO_USABLE_OUTPUT',
      '"zip.onnx" returns only "y" (a sequence); onnxruntime-web returns tensors only, so Lathe could not read any prediction of this model.'
    ]);
  });

  it('name the operator onnxruntime-web refuses when it loads the model', async () => {
    const rfft = await loadRefusal(fixture('unsupported-operator'), 'spectrum.onnx');
    expect([rfft.code, rfft.message]).toEqual([
      'ONNX_OPERATOR_UNSUPPORTED',
      `"spectrum.onnx" uses the operator Rfft (com.microsoft opset 1, node "spectrum"), and onnxruntime-web's wasm build has no kernel for it (not at all, or not for the element types of its inputs). Lathe runs every model in that build, so this one cannot be imported.`
    ]);
    expect(rfft.details).toMatchObject({ operator: 'Rfft', domain: 'com.microsoft' });

    // A standard operator the build has no kernel for with these element types (int16).
    const int16 = { tensorType: { elemType: 5, shape: { dim: [{ dimValue: 2 }] } } };
    const max = await loadRefusal(
      oneNode(
        { opType: 'Max', domain: '', input: ['a', 'b'] },
        { inputType: int16, outputType: int16 }
      ),
      'max.onnx'
    );
    expect(max.message).toMatch(
      /^"max\.onnx" uses the operator Max \(ai\.onnx opset 13, node "the_node"\)/
    );

    // An operator no schema knows.
    const unknown = await loadRefusal(oneNode({ opType: 'FooBar', domain: '' }), 'foo.onnx');
    expect(unknown.message).toMatch(
      /^"foo\.onnx" uses the operator FooBar \(ai\.onnx opset 17\), and onnxruntime-web's wasm build does not know it\./
    );
  });

  it("quote the runtime's reason when it refuses for another cause", async () => {
    // LinearClassifier without intercepts: a kernel exists, but refuses these attributes.
    const bytes = oneNode(
      {
        opType: 'LinearClassifier',
        domain: 'ai.onnx.ml',
        attribute: [
          { name: 'coefficients', type: 6, floats: [1, 2] },
          { name: 'classlabels_ints', type: 7, ints: [0, 1] }
        ]
      },
      {
        outputType: { tensorType: { elemType: 7 } },
        moreOutputs: { scores: { tensorType: { elemType: 1 } } }
      }
    );
    const error = await loadRefusal(bytes, 'lin.onnx');
    expect(error.code).toBe('ONNX_RUNTIME_REFUSED');
    expect(error.message).toMatch(/^onnxruntime-web cannot load "lin\.onnx": LinearClassifier: /);
    expect(error.message).toContain('intercepts must not be empty');
    expect(error.message).not.toContain('ERROR_CODE');
    expect(error.message).not.toContain('.cc:');
  });
});
