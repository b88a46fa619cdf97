/**
 * Reads an ONNX file back: its versions, inputs, outputs, operators and metadata, for import.
 * The bytes are untrusted. Besides a size limit, two guards protobufjs lacks (protobufjs
 * #2121): nested messages are decoded at most READ_LIMITS.depth deep, and groups (wire type 3,
 * which onnx.proto never uses and protobufjs skips by unbounded recursion) are refused.
 * Every problem is a LatheError naming the file and what is wrong.
 */
import protobuf from 'protobufjs/minimal';
import { LatheError } from '../base/errors';
import { readMetadata, type OnnxMetadata } from './metadata';
import { onnx, type OnnxProto } from './proto';

export const READ_LIMITS = Object.freeze({
  /** Larger files are refused before reading (onnxruntime-web needs several times this). */
  bytes: 512 * 1024 * 1024,
  /** Nested messages (the protobuf runtimes' default recursion limit). */
  depth: 100
});

/**
 * The newest versions onnxruntime-web 1.30 (wasm) loads; newer ones are refused
 * (test/unit/onnx-read.test.ts checks these against the runtime itself).
 */
export const RUNTIME_LIMITS = Object.freeze({
  irVersion: 13,
  opsets: Object.freeze({ '': 26, 'ai.onnx': 26, 'ai.onnx.ml': 5 }) as Readonly<
    Record<string, number>
  >
});

export interface ValueSummary {
  name: string;
  /** 'tensor', or what else the type is ('sequence', 'map' …: a ZipMap output is a sequence). */
  kind: 'tensor' | 'sequence' | 'map' | 'optional' | 'sparse_tensor' | 'unknown';
  /** Tensors: 'float', 'double', 'int64', 'string' …; null otherwise. */
  elementType: string | null;
  /** Tensors: each dimension's size, symbolic name, or null when unknown; null when unranked. */
  shape: (number | string | null)[] | null;
}

export interface OnnxSummary {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  modelVersion: number;
  docString: string;
  graphName: string;
  /** Graph inputs that are not initializers. */
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  /**
   * Every operator of the graph, its subgraphs and its model-local functions, with how often it
   * occurs.
   */
  operators: { domain: string; opType: string; count: number }[];
  /** Model-local functions, which nodes call like operators of their domain. */
  functions: { domain: string; name: string }[];
  metadataProps: { key: string; value: string }[];
  /** The Lathe metadata document; null for a model made elsewhere. */
  metadata: OnnxMetadata | null;
}

const ELEMENT_NAMES: Readonly<Record<number, string>> = {
  1: 'float',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'double',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1'
};

class DepthExceeded extends Error {}
class GroupFound extends Error {}

let depth = 0;
const GUARDED = Symbol('lathe.depthGuard');

type Decoder = { decode: (reader: protobuf.Reader | Uint8Array, length?: number) => unknown };

/**
 * onnx-proto's generated decoders call `$root.onnx.<Type>.decode` for each nested message, so
 * wrapping every message type's static decode once counts the nesting exactly.
 */
function guardDecoders(namespace: Record<string, unknown>): void {
  for (const member of Object.values(namespace)) {
    if (typeof member !== 'function') continue;
    const type = member as unknown as Decoder & Record<string, unknown>;
    if (typeof type.decode !== 'function' || Object.hasOwn(type, GUARDED)) continue;
    const decode = type.decode.bind(type);
    type.decode = (reader, length) => {
      if (++depth > READ_LIMITS.depth) {
        depth--;
        throw new DepthExceeded();
      }
      try {
        return decode(reader, length);
      } finally {
        depth--;
      }
    };
    Object.defineProperty(type, GUARDED, { value: true });
    guardDecoders(type);
  }
}
guardDecoders(onnx as unknown as Record<string, unknown>);

class GuardedReader extends protobuf.Reader {
  override skipType(wireType: number): this {
    if (wireType === 3) throw new GroupFound();
    super.skipType(wireType);
    return this;
  }
}

function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

function what(fileName: string | undefined): string {
  return fileName ? `"${fileName}"` : 'The file';
}

/** A guess at what a non-ONNX file is, from its first bytes. */
function sniff(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, 512);
  const starts = (...magic: number[]) => magic.every((b, i) => head[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a ZIP archive';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'a PNG image';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'a PDF document';
  if (starts(0x1f, 0x8b)) return 'gzip-compressed';
  if (starts(0x50, 0x41, 0x52, 0x31)) return 'a Parquet file';
  if (starts(0x41, 0x52, 0x52, 0x4f, 0x57, 0x31)) return 'an Arrow file';
  const text = head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127));
  return text ? 'text (CSV or JSON, perhaps)' : null;
}

/** Refuses a file too large to read, before its bytes are loaded. */
export function checkOnnxSize(byteLength: number, fileName?: string): void {
  if (byteLength > READ_LIMITS.bytes) {
    const mb = (n: number) => `${Math.round(n / (1024 * 1024)).toLocaleString('en')} MB`;
    throw new LatheError(
      'ONNX_TOO_LARGE',
      `${what(fileName)} is ${mb(byteLength)}; models up to ${mb(READ_LIMITS.bytes)} can be read in the browser.`,
      { bytes: byteLength, limit: READ_LIMITS.bytes }
    );
  }
}

function decodeModel(bytes: Uint8Array, fileName: string | undefined): OnnxProto.ModelProto {
  const reader = new GuardedReader(bytes);
  depth = 0;
  try {
    return onnx.ModelProto.decode(reader);
  } catch (error) {
    const where = `${what(fileName)} (at byte ${reader.pos.toLocaleString('en')} of ${bytes.length.toLocaleString('en')})`;
    if (error instanceof DepthExceeded) {
      throw new LatheError(
        'ONNX_TOO_DEEP',
        `${where} nests messages more than ${READ_LIMITS.depth} deep; no ONNX model does that, so it is not read.`,
        { limit: READ_LIMITS.depth }
      );
    }
    const guess = sniff(bytes);
    if (guess) {
      throw new LatheError(
        'ONNX_NOT_ONNX',
        `${what(fileName)} is not an ONNX model: it looks like ${guess}.`
      );
    }
    const reason =
      error instanceof GroupFound
        ? 'it uses protobuf groups, which ONNX files never contain'
        : (error as Error).message;
    throw new LatheError(
      'ONNX_CORRUPT',
      `${where} is not a readable ONNX model: it is damaged, truncated or another kind of file (${reason}).`,
      { offset: reader.pos }
    );
  } finally {
    depth = 0;
  }
}

function valueSummary(info: OnnxProto.IValueInfoProto): ValueSummary {
  const type = info.type;
  const name = info.name ?? '';
  if (!type) return { name, kind: 'unknown', elementType: null, shape: null };
  if (type.tensorType) {
    const t = type.tensorType;
    return {
      name,
      kind: 'tensor',
      elementType: ELEMENT_NAMES[t.elemType ?? 0] ?? `type ${t.elemType ?? 0}`,
      shape: t.shape
        ? (t.shape.dim ?? []).map((d) =>
            d.dimParam
              ? d.dimParam
              : d.dimValue !== null && d.dimValue !== undefined
                ? toNumber(d.dimValue)
                : null
          )
        : null
    };
  }
  const kind = type.sequenceType
    ? 'sequence'
    : type.mapType
      ? 'map'
      : type.optionalType
        ? 'optional'
        : type.sparseTensorType
          ? 'sparse_tensor'
          : 'unknown';
  return { name, kind, elementType: null, shape: null };
}

function countOperators(
  graph: OnnxProto.IGraphProto,
  functions: readonly OnnxProto.IFunctionProto[]
): OnnxSummary['operators'] {
  const counts = new Map<string, { domain: string; opType: string; count: number }>();
  const graphs: { node?: OnnxProto.INodeProto[] | null }[] = [graph, ...functions];
  while (graphs.length > 0) {
    const g = graphs.pop()!;
    for (const node of g.node ?? []) {
      const domain = node.domain === 'ai.onnx' ? '' : (node.domain ?? '');
      const opType = node.opType ?? '';
      const key = `${domain}\u0000${opType}`;
      const entry = counts.get(key) ?? { domain, opType, count: 0 };
      entry.count++;
      counts.set(key, entry);
      for (const a of node.attribute ?? []) {
        if (a.g) graphs.push(a.g);
        for (const sub of a.graphs ?? []) graphs.push(sub);
      }
    }
  }
  return [...counts.values()].sort(
    (a, b) => a.domain.localeCompare(b.domain) || a.opType.localeCompare(b.opType)
  );
}

/**
 * Reads an ONNX file's bytes. Throws LatheError: 'ONNX_TOO_LARGE', 'ONNX_EMPTY',
 * 'ONNX_NOT_ONNX', 'ONNX_CORRUPT', 'ONNX_TOO_DEEP', 'ONNX_IR_UNSUPPORTED',
 * 'ONNX_OPSET_UNSUPPORTED', 'ONNX_METADATA_INVALID'.
 */
export function readOnnx(bytes: Uint8Array, options: { fileName?: string } = {}): OnnxSummary {
  const { fileName } = options;
  checkOnnxSize(bytes.byteLength, fileName);
  if (bytes.byteLength === 0) throw new LatheError('ONNX_EMPTY', `${what(fileName)} is empty.`);
  const model = decodeModel(bytes, fileName);
  const irVersion = toNumber(model.irVersion);
  const opsets = (model.opsetImport ?? []).map((o) => ({
    domain: o.domain ?? '',
    version: toNumber(o.version)
  }));
  if (irVersion <= 0 || !model.graph || opsets.length === 0) {
    const guess = sniff(bytes);
    const missing = [
      irVersion <= 0 ? 'no IR version' : null,
      model.graph ? null : 'no graph',
      opsets.length === 0 ? 'no opset imports' : null
    ].filter((m) => m !== null);
    throw new LatheError(
      'ONNX_NOT_ONNX',
      `${what(fileName)} is not an ONNX model${guess ? `: it looks like ${guess}.` : ` (${missing.join(', ')}).`}`
    );
  }
  if (irVersion > RUNTIME_LIMITS.irVersion) {
    throw new LatheError(
      'ONNX_IR_UNSUPPORTED',
      `${what(fileName)} has ONNX IR version ${irVersion}; onnxruntime-web runs models up to IR version ${RUNTIME_LIMITS.irVersion}. Export it with an older ONNX version.`,
      { irVersion, supported: RUNTIME_LIMITS.irVersion }
    );
  }
  for (const { domain, version } of opsets) {
    const supported = Object.hasOwn(RUNTIME_LIMITS.opsets, domain)
      ? RUNTIME_LIMITS.opsets[domain]
      : undefined;
    if (supported !== undefined && version > supported) {
      const label = domain === '' ? 'ai.onnx' : domain;
      throw new LatheError(
        'ONNX_OPSET_UNSUPPORTED',
        `${what(fileName)} uses opset ${version} of ${label}; onnxruntime-web runs up to opset ${supported}. Convert it to opset ${supported} or lower (target_opset in skl2onnx, opset_version in torch.onnx).`,
        { domain: label, version, supported }
      );
    }
  }
  const graph = model.graph;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const metadataProps = (model.metadataProps ?? []).map((p) => ({
    key: p.key ?? '',
    value: p.value ?? ''
  }));
  return {
    irVersion,
    opsets,
    producerName: model.producerName ?? '',
    producerVersion: model.producerVersion ?? '',
    modelVersion: toNumber(model.modelVersion),
    docString: model.docString ?? '',
    graphName: graph.name ?? '',
    inputs: (graph.input ?? []).filter((i) => !initializers.has(i.name)).map(valueSummary),
    outputs: (graph.output ?? []).map(valueSummary),
    operators: countOperators(graph, model.functions ?? []),
    functions: (model.functions ?? []).map((f) => ({
      domain: f.domain ?? '',
      name: f.name ?? ''
    })),
    metadataProps,
    metadata: metadataOf(metadataProps, fileName)
  };
}

function metadataOf(
  props: OnnxSummary['metadataProps'],
  fileName: string | undefined
): OnnxMetadata | null {
  try {
    return readMetadata(props);
  } catch (error) {
    if (!fileName || !(error instanceof LatheError)) throw error;
    const message = error.message.charAt(0).toLowerCase() + error.message.slice(1);
    throw new LatheError(error.code, `In "${fileName}", ${message}`, error.details);
  }
}

/** The operator domains onnxruntime-web's wasm build has kernels for ('' is ai.onnx). */
export const RUNTIME_DOMAINS: readonly string[] = Object.freeze([
  '',
  'ai.onnx',
  'ai.onnx.ml',
  'com.microsoft'
]);

const domainName = (domain: string) => (domain === '' ? 'ai.onnx' : domain);
const plural = (n: number, word: string) =>
  `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/**
 * What the checks on a read model found that still lets it be used: outputs onnxruntime-web
 * cannot return (not tensors).
 */
export interface RunnableReport {
  unusableOutputs: string[];
}

/**
 * Refuses, before any runtime is loaded, a model that onnxruntime-web's wasm build cannot run
 * or whose results Lathe cannot read: operators of a domain it has no kernels for (naming
 * them), inputs that are not tensors (the runtime is fed tensors only), and no tensor output at
 * all. Outputs that are not tensors beside tensor ones (ZipMap's sequence of maps next to a
 * label) are reported: the model runs, without them. Throws LatheError
 * 'ONNX_OPERATOR_UNSUPPORTED', 'ONNX_INPUT_UNSUPPORTED', 'ONNX_NO_USABLE_OUTPUT'.
 */
export function checkRunnable(summary: OnnxSummary, fileName?: string): RunnableReport {
  const local = new Set(summary.functions.map((f) => `${f.domain}\u0000${f.name}`));
  const foreign = summary.operators.filter(
    (op) => !RUNTIME_DOMAINS.includes(op.domain) && !local.has(`${op.domain}\u0000${op.opType}`)
  );
  if (foreign.length > 0) {
    const list = foreign.map((op) => `${op.opType} (${op.domain})`);
    const first = foreign[0];
    throw new LatheError(
      'ONNX_OPERATOR_UNSUPPORTED',
      `${what(fileName)} uses the operator${foreign.length === 1 ? '' : 's'} ${list.join(', ')}, which onnxruntime-web's wasm build does not run: it has kernels for the ai.onnx, ai.onnx.ml and com.microsoft domains only. Lathe runs every model in that build, so this one cannot be imported.`,
      { operator: first.opType, domain: first.domain, operators: list }
    );
  }
  const fed = summary.inputs.find((i) => i.kind !== 'tensor');
  if (fed) {
    throw new LatheError(
      'ONNX_INPUT_UNSUPPORTED',
      `${what(fileName)} takes its input "${fed.name}" as ${fed.kind === 'unknown' ? 'a value of no declared type' : `a ${fed.kind.replace('_', ' ')}`}; onnxruntime-web is fed tensors only, so Lathe cannot run this model.`,
      { input: fed.name, kind: fed.kind }
    );
  }
  const unusable = summary.outputs.filter((o) => o.kind !== 'tensor' && o.kind !== 'unknown');
  if (unusable.length === summary.outputs.length) {
    throw new LatheError(
      'ONNX_NO_USABLE_OUTPUT',
      summary.outputs.length === 0
        ? `${what(fileName)} has no outputs.`
        : `${what(fileName)} returns only ${unusable.map((o) => `"${o.name}" (a ${o.kind.replace('_', ' ')})`).join(', ')}; onnxruntime-web returns tensors only, so Lathe could not read any prediction of this model.`,
      { outputs: unusable.map((o) => o.name) }
    );
  }
  return { unusableOutputs: unusable.map((o) => o.name) };
}

/**
 * onnxruntime-web's refusal to load a model (its message `reason`) as a LatheError that names
 * the operator it lacks when the message says which: 'ONNX_OPERATOR_UNSUPPORTED', else
 * 'ONNX_RUNTIME_REFUSED' quoting the runtime.
 */
export function runtimeRefusal(
  summary: OnnxSummary,
  reason: string,
  fileName?: string
): LatheError {
  const unregistered = /No Op registered for (\S+) with domain_version of (\d+)/.exec(reason);
  const noKernel =
    /Could not find an implementation for (\S+)\((\d+)\) node with name '([^']*)'/.exec(reason);
  const unknown = /([\w.]*):(\S+)\(-?\d+\) is not a registered function\/op/.exec(reason);
  const opType = unregistered?.[1] ?? noKernel?.[1] ?? unknown?.[2];
  if (opType) {
    const domain =
      unknown?.[1] ?? summary.operators.find((op) => op.opType === opType)?.domain ?? '';
    const count = summary.operators
      .filter((op) => op.opType === opType && op.domain === domain)
      .reduce((n, op) => n + op.count, 0);
    const node = noKernel?.[3] ? `, node "${noKernel[3]}"` : '';
    const version = unregistered?.[2] ?? noKernel?.[2];
    const where = `${domainName(domain)}${version ? ` opset ${version}` : ''}${node}`;
    const why = noKernel
      ? 'has no kernel for it (not at all, or not for the element types of its inputs)'
      : 'does not know it';
    return new LatheError(
      'ONNX_OPERATOR_UNSUPPORTED',
      `${what(fileName)} uses the operator ${opType} (${where}${count > 1 ? `; ${plural(count, 'node')}` : ''}), and onnxruntime-web's wasm build ${why}. Lathe runs every model in that build, so this one cannot be imported.`,
      { operator: opType, domain: domainName(domain), reason }
    );
  }
  // The runtime's own words, without its wrapper ("Can't create a session. ERROR_CODE: …") and
  // the source location of a failed C++ check, which keeps the kernel's name.
  const said = reason
    .replace(/^Can't create a session\. ERROR_CODE: \d+, ERROR_MESSAGE: /, '')
    .replace(
      /^\S+\.(?:cc|h):\d+ (?:\w+::)*(\w+)\([^)]*\)\s*(?:\[ONNXRuntimeError\] : \d+ : \w+ : )?/,
      '$1: '
    )
    .trim();
  return new LatheError(
    'ONNX_RUNTIME_REFUSED',
    `onnxruntime-web cannot load ${fileName ? `"${fileName}"` : 'the file'}: ${said}`,
    { reason }
  );
}
