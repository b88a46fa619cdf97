import * as v from 'valibot';
import { LatheError } from '../core/base/errors';
import { sha256Hex } from '../core/base/hash';
import { canonicalJson } from '../core/spec/hash';
import { abortQuietly, type Database } from './db';
import {
  COUNT,
  HASH,
  JSON_VALUE,
  parseStored,
  partitionStored,
  type Parsed,
  type Unreadable
} from './parse';

/**
 * A trained model version. Its id is the SHA-256 of its weight bytes together with what they
 * mean (manifest, classes, feature names), so the same training run saved twice is one version.
 * The JSON fields (spec, network, history, metrics, backend) are read through model-views.ts.
 * Records saved before imports existed have no `origin`: they read as 'trained'.
 */
export const ModelRecordSchema = v.object({
  origin: v.optional(v.literal('trained'), 'trained'),
  id: HASH,
  name: v.pipe(v.string(), v.maxLength(500)),
  /** 1-based, in order of saving among all models. */
  version: COUNT,
  featureSetId: HASH,
  datasetHash: HASH,
  specHash: HASH,
  spec: JSON_VALUE,
  modelType: v.string(),
  task: v.picklist(['binary', 'multiclass', 'regression']),
  /** Class labels in output order (classification), else null. */
  classes: v.nullable(v.array(v.string())),
  featureNames: v.array(v.string()),
  /** SHA-256 of the packed float32 weights: their key in 'blobs'. */
  weightsHash: HASH,
  weightsBytes: COUNT,
  manifest: v.array(v.object({ name: v.string(), shape: v.array(COUNT), offset: COUNT })),
  /** The network description (layers, activations, heads): plain JSON for predict and ONNX. */
  network: JSON_VALUE,
  status: v.picklist(['completed', 'early-stopped', 'cancelled']),
  bestEpoch: COUNT,
  history: v.array(JSON_VALUE),
  /** Backend name, adapter info, library versions, calibration trials. */
  backend: JSON_VALUE,
  seed: COUNT,
  durationMs: v.number(),
  /** Evaluation reports per split ('validation', 'test'), plain JSON. */
  metrics: v.record(v.string(), JSON_VALUE),
  notes: v.pipe(v.string(), v.maxLength(20_000)),
  createdAt: v.number(),
  /**
   * The exported model: ONNX bytes in 'blobs' under `hash`, verified against the app's own
   * predictions when saved. Absent on versions saved before ONNX export existed.
   */
  onnx: v.optional(
    v.object({
      hash: HASH,
      bytes: COUNT,
      /** Per split: rows checked, the largest difference and the labels that differed. */
      checks: v.record(
        v.string(),
        v.object({ rows: COUNT, worst: v.number(), labelMismatches: COUNT })
      )
    })
  ),
  /** Why the version has no ONNX file: a step that cannot be lowered, or a failed check. */
  onnxRefused: v.optional(
    v.object({ code: v.string(), message: v.pipe(v.string(), v.maxLength(20_000)) })
  )
});

/** A trained version: the one kind with training lineage, weights and evaluation reports. */
export type ModelRecord = v.InferOutput<typeof ModelRecordSchema>;

export type OnnxChecks = NonNullable<ModelRecord['onnx']>['checks'];
export type OnnxRefusal = NonNullable<ModelRecord['onnxRefused']>;

/** A version's exported file, made for its id and number (the file carries them). */
export interface OnnxFile {
  make(version: { id: string; version: number }): Uint8Array;
  checks: OnnxChecks;
}

const Text = v.pipe(v.string(), v.maxLength(100_000));
const ValueSchema = v.object({
  name: v.string(),
  kind: v.picklist(['tensor', 'sequence', 'map', 'optional', 'sparse_tensor', 'unknown']),
  elementType: v.nullable(v.string()),
  shape: v.nullable(v.array(v.nullable(v.union([v.number(), v.string()]))))
});

/**
 * A version added from an ONNX file made elsewhere (another tool, another Lathe). It has no
 * training lineage: no feature set, dataset, spec, weights, history or reports of this registry.
 * Its id is the SHA-256 of the file, whose bytes are in 'blobs' under `onnx.hash`; `graph` is
 * what the file says of itself, as read on import. A Lathe-made file's own metadata (task,
 * classes, input schema, metrics, hashes) is its 'lathe' metadata entry, read through
 * model-views.ts.
 */
export const ImportedModelRecordSchema = v.object({
  origin: v.literal('imported'),
  id: HASH,
  name: v.pipe(v.string(), v.maxLength(500)),
  version: COUNT,
  /** The name of the file it was imported from. */
  fileName: v.pipe(v.string(), v.maxLength(500)),
  onnx: v.object({ hash: HASH, bytes: COUNT }),
  graph: v.object({
    irVersion: COUNT,
    opsets: v.array(v.object({ domain: v.string(), version: COUNT })),
    producerName: Text,
    producerVersion: Text,
    modelVersion: COUNT,
    docString: Text,
    graphName: Text,
    inputs: v.array(ValueSchema),
    outputs: v.array(ValueSchema),
    operators: v.array(v.object({ domain: v.string(), opType: v.string(), count: COUNT })),
    functions: v.array(v.object({ domain: v.string(), name: v.string() })),
    metadataProps: v.array(v.object({ key: Text, value: v.string() })),
    /** Texts of the file kept only in part here (too long to list), with their full length. */
    clipped: v.array(v.object({ field: Text, length: COUNT }))
  }),
  /** Outputs onnxruntime-web cannot return (not tensors, e.g. ZipMap's maps): Predict omits them. */
  unusableOutputs: v.array(v.string()),
  notes: v.pipe(v.string(), v.maxLength(20_000)),
  createdAt: v.number()
});

export type ImportedModelRecord = v.InferOutput<typeof ImportedModelRecordSchema>;

/** Any version in the registry: trained here, or imported from an ONNX file. */
export const RegistryRecordSchema = v.variant('origin', [
  ModelRecordSchema,
  ImportedModelRecordSchema
]);

export type RegistryRecord = ModelRecord | ImportedModelRecord;

export type UnreadableModel = Unreadable;

export const ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

export const AliasRecordSchema = v.object({
  alias: v.pipe(v.string(), v.regex(ALIAS_PATTERN)),
  modelId: HASH,
  /** Earlier targets, newest last: rolling back moves the alias to the previous one. */
  history: v.array(v.object({ modelId: HASH, at: v.number() })),
  movedAt: v.number()
});

export type AliasRecord = v.InferOutput<typeof AliasRecordSchema>;

export function parseModelRecord(value: unknown): Parsed<RegistryRecord> {
  return parseStored(RegistryRecordSchema, value);
}

export function parseAliasRecord(value: unknown): Parsed<AliasRecord> {
  return parseStored(AliasRecordSchema, value);
}

export type ModelMeta = Omit<
  ModelRecord,
  'origin' | 'id' | 'version' | 'weightsHash' | 'weightsBytes' | 'createdAt' | 'onnx'
>;

export type ImportedModelMeta = Omit<
  ImportedModelRecord,
  'origin' | 'id' | 'version' | 'onnx' | 'createdAt'
>;

/** The blobs a version's record points at. */
function blobsOf(record: RegistryRecord): string[] {
  if (record.origin === 'imported') return [record.onnx.hash];
  return record.onnx ? [record.weightsHash, record.onnx.hash] : [record.weightsHash];
}

function notFound(id: string): LatheError {
  return new LatheError('MODEL_NOT_FOUND', `There is no readable saved model ${id}.`, { id });
}

export interface ModelMethods {
  /**
   * Stores the packed weights, the exported ONNX model when given, and the record atomically;
   * numbers the version. `onnx` makes the file once the version's id and number are known (the
   * file carries them); it is not called when an identical run was saved before.
   */
  saveModel(weights: Uint8Array, meta: ModelMeta, onnx?: OnnxFile): Promise<ModelRecord>;
  /**
   * Adds an ONNX file made elsewhere as a version: its bytes and its record atomically. The
   * same file again is the version already there (`created` false), and so is a file that is
   * the exported ONNX of a trained version.
   */
  importModel(
    onnx: Uint8Array,
    meta: ImportedModelMeta
  ): Promise<{ record: RegistryRecord; created: boolean }>;
  listModels(): Promise<(RegistryRecord | UnreadableModel)[]>;
  /** A trained version's weights; refused (NO_WEIGHTS) for an imported one. */
  loadModelWeights(id: string): Promise<{ record: ModelRecord; bytes: Uint8Array }>;
  /**
   * Gives a trained version saved before ONNX export its verified file, and the metrics
   * computed from it (they replace the earlier ones).
   */
  attachModelOnnx(
    id: string,
    onnx: OnnxFile,
    metrics: ModelRecord['metrics']
  ): Promise<ModelRecord>;
  /** The version's ONNX bytes; null for a trained version saved before export existed. */
  loadModelOnnx(id: string): Promise<{ record: RegistryRecord; bytes: Uint8Array | null }>;
  updateModel(id: string, changes: { name?: string; notes?: string }): Promise<void>;
  /** Refused (MODEL_IN_USE) while an alias points at the model. */
  deleteModel(id: string): Promise<void>;
}

export function modelMethods(database: Database): ModelMethods {
  const { db, withLock, changed } = database;

  /**
   * Checks a record against its schema, then writes it with its blobs (hash → bytes) in one
   * transaction (call holding the lock).
   */
  async function writeRecord(
    record: RegistryRecord,
    blobs: readonly (readonly [string, Uint8Array])[]
  ): Promise<void> {
    const valid = parseModelRecord(record);
    if (!valid.ok) {
      throw new LatheError('INVALID_MODEL', `Cannot save "${record.name}": ${valid.reason}.`);
    }
    await database.writeAtomically(
      ['blobs', 'models'],
      (tx, track) => {
        for (const [hash, bytes] of blobs) {
          track(tx.objectStore('blobs').put(database.toStored(bytes), hash));
        }
        track(tx.objectStore('models').put(record));
      },
      record.name,
      blobs.reduce((total, [, bytes]) => total + bytes.byteLength, 0)
    );
  }

  /** The next version number (call holding the lock). */
  async function nextVersion(): Promise<number> {
    const versions = (await db.getAll('models')).map((m) => parseModelRecord(m));
    return 1 + versions.reduce((max, m) => (m.ok ? Math.max(max, m.record.version) : max), 0);
  }

  return {
    async saveModel(weights, meta, onnx) {
      const weightsHash = await sha256Hex(weights);
      // Everything recorded about the run that makes it this run: the same settings trained
      // again on the same backend give the same id (one version); any difference, another.
      const backend = meta.backend;
      const identity = canonicalJson([
        weightsHash,
        meta.manifest,
        meta.classes,
        meta.featureNames,
        meta.featureSetId,
        meta.spec,
        meta.seed,
        meta.status,
        meta.bestEpoch,
        backend && typeof backend === 'object' && !Array.isArray(backend) ? backend.name : null
      ]);
      const id = await sha256Hex(new TextEncoder().encode(identity));
      return withLock(async () => {
        const existing = parseModelRecord(await db.get('models', id));
        if (existing.ok && existing.record.origin === 'trained') return existing.record;
        const version = await nextVersion();
        const file = onnx?.make({ id, version }) ?? null;
        const onnxHash = file ? await sha256Hex(file) : null;
        const record: ModelRecord = {
          ...meta,
          origin: 'trained',
          id,
          version,
          weightsHash,
          weightsBytes: weights.byteLength,
          createdAt: Date.now(),
          ...(file && onnxHash
            ? { onnx: { hash: onnxHash, bytes: file.byteLength, checks: onnx!.checks } }
            : {})
        };
        await writeRecord(record, [
          [weightsHash, weights],
          ...(file && onnxHash ? [[onnxHash, file] as const] : [])
        ]);
        changed();
        return record;
      });
    },

    async importModel(onnx, meta) {
      const hash = await sha256Hex(onnx);
      return withLock(async () => {
        const same = (await db.getAll('models'))
          .map((m) => parseModelRecord(m))
          .find((m) => m.ok && (m.record.id === hash || m.record.onnx?.hash === hash));
        if (same?.ok) return { record: same.record, created: false };
        const record: ImportedModelRecord = {
          ...meta,
          origin: 'imported',
          id: hash,
          version: await nextVersion(),
          onnx: { hash, bytes: onnx.byteLength },
          createdAt: Date.now()
        };
        await writeRecord(record, [[hash, onnx]]);
        changed();
        return { record, created: true };
      });
    },

    async listModels() {
      return partitionStored(
        await db.getAll('models'),
        parseModelRecord,
        (a, b) => b.version - a.version
      );
    },

    async loadModelWeights(id) {
      const parsed = parseModelRecord(await db.get('models', id));
      if (!parsed.ok) throw notFound(id);
      if (parsed.record.origin === 'imported') {
        throw new LatheError(
          'NO_WEIGHTS',
          `v${parsed.record.version} "${parsed.record.name}" was imported from an ONNX file: it has no training weights, only its ONNX graph.`,
          { id }
        );
      }
      const bytes = await database.readVerified(
        parsed.record.weightsHash,
        `the weights of "${parsed.record.name}"`,
        'Delete the model and train it again.'
      );
      return { record: parsed.record, bytes };
    },

    async attachModelOnnx(id, onnx, metrics) {
      const saved = await withLock(async () => {
        const parsed = parseModelRecord(await db.get('models', id));
        if (!parsed.ok)
          throw new LatheError('MODEL_NOT_FOUND', `There is no saved model ${id}.`, { id });
        if (parsed.record.origin === 'imported') {
          throw new LatheError(
            'IMPORTED_MODEL',
            `v${parsed.record.version} "${parsed.record.name}" was imported: it is its ONNX file already, and Lathe has no model of its own to export from it.`,
            { id }
          );
        }
        const file = onnx.make({ id, version: parsed.record.version });
        const hash = await sha256Hex(file);
        const { onnxRefused: _, ...rest } = parsed.record;
        const record: ModelRecord = {
          ...rest,
          metrics,
          onnx: { hash, bytes: file.byteLength, checks: onnx.checks }
        };
        await writeRecord(record, [[hash, file]]);
        return record;
      });
      changed();
      return saved;
    },

    async loadModelOnnx(id) {
      const parsed = parseModelRecord(await db.get('models', id));
      if (!parsed.ok) throw notFound(id);
      const { record } = parsed;
      if (!record.onnx) return { record, bytes: null };
      const bytes = await database.readVerified(
        record.onnx.hash,
        `the ONNX file of "${record.name}"`,
        record.origin === 'imported'
          ? 'Delete the version and import the file again.'
          : 'Delete the model and train it again.'
      );
      return { record, bytes };
    },

    async updateModel(id, changes) {
      await withLock(async () => {
        const parsed = parseModelRecord(await db.get('models', id));
        if (!parsed.ok)
          throw new LatheError('MODEL_NOT_FOUND', `There is no saved model ${id}.`, { id });
        const name = changes.name?.trim();
        if (changes.name !== undefined && !name) {
          throw new LatheError('INVALID_NAME', 'A model name cannot be empty.');
        }
        const next = {
          ...parsed.record,
          ...(name ? { name } : {}),
          ...(changes.notes !== undefined ? { notes: changes.notes } : {})
        };
        const valid = parseModelRecord(next);
        if (!valid.ok) throw new LatheError('INVALID_MODEL', valid.reason);
        await db.put('models', next);
      });
      changed();
    },

    async deleteModel(id) {
      await withLock(async () => {
        const tx = db.transaction(['blobs', 'models', 'aliases'], 'readwrite');
        const aliases = (await tx.objectStore('aliases').getAll())
          .map(parseAliasRecord)
          .flatMap((a) => (a.ok && a.record.modelId === id ? [a.record.alias] : []));
        if (aliases.length) {
          abortQuietly(tx);
          await tx.done.catch(() => {});
          throw new LatheError(
            'MODEL_IN_USE',
            `This model cannot be deleted while ${aliases.map((a) => `"${a}"`).join(' and ')} ${aliases.length === 1 ? 'points' : 'point'} at it. Move the alias to another version first.`,
            { aliases }
          );
        }
        const target = parseModelRecord(await tx.objectStore('models').get(id));
        // Blobs are content-addressed: keep those another version also uses.
        const doomed = new Set<string>();
        if (target.ok) {
          for (const hash of blobsOf(target.record)) doomed.add(hash);
          for (const other of await tx.objectStore('models').getAll()) {
            const parsed = parseModelRecord(other);
            if (!parsed.ok || parsed.record.id === id) continue;
            for (const hash of blobsOf(parsed.record)) doomed.delete(hash);
          }
        }
        await Promise.all([
          tx.objectStore('models').delete(id),
          ...[...doomed].map((hash) => tx.objectStore('blobs').delete(hash)),
          tx.done
        ]);
      });
      changed();
    }
  };
}
