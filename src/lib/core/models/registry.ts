import * as v from 'valibot';
import { issuesError, specError } from '../spec/issues';
import type { ModelSpec, Task } from '../spec/types';
import type { ModelKind } from './kind';
import { linearModel } from './linear';
import { logisticModel } from './logistic';
import { mlpModel } from './mlp';

/**
 * Every model kind, keyed by the `type` written in specs. Keys are explicit strings (never
 * derived from a kind's own `type`), so renaming a kind cannot silently change the spec format.
 * Light on purpose: no TensorFlow.js here (the spec parser imports this file).
 */
export const MODEL_KINDS: Readonly<Record<string, ModelKind>> = Object.freeze({
  linear: linearModel as ModelKind,
  logistic: logisticModel as ModelKind,
  mlp: mlpModel as ModelKind
});

export const MODEL_TYPES: readonly string[] = Object.freeze(Object.keys(MODEL_KINDS).sort());

/** The kind for a model type, or undefined (never a prototype member such as "constructor"). */
export function modelKind(type: string): ModelKind | undefined {
  return Object.hasOwn(MODEL_KINDS, type) ? MODEL_KINDS[type] : undefined;
}

export interface ResolvedModel {
  kind: ModelKind;
  /** The params as the kind's schema outputs them (defaults filled in). */
  params: unknown;
}

/** The model trained when a spec has no `model` section. */
export function defaultModel(task: Task): ModelSpec {
  return { type: task === 'regression' ? 'linear' : 'logistic' };
}

/**
 * Checks a spec's `model` section (`{ type, ...params }`) against its kind's schema and the
 * task. Throws LatheError 'SPEC_INVALID' naming the path, e.g. `model.hiddenLayers[2]`.
 */
export function resolveModel(
  model: unknown,
  task: Task,
  kinds: Readonly<Record<string, ModelKind>> = MODEL_KINDS
): ResolvedModel {
  if (typeof model !== 'object' || model === null || Array.isArray(model)) {
    throw specError(['model'], 'the model is an object with a "type"');
  }
  const { type, ...params } = model as Record<string, unknown>;
  if (typeof type !== 'string') throw specError(['model', 'type'], 'missing model type');
  const kind = Object.hasOwn(kinds, type) ? kinds[type] : undefined;
  if (!kind) {
    const shown = type.length > 40 ? type.slice(0, 40) + '…' : type;
    throw specError(
      ['model', 'type'],
      `unknown model type ${JSON.stringify(shown)}; known types: ${Object.keys(kinds).sort().join(', ')}`
    );
  }
  if (!kind.tasks.includes(task)) {
    throw specError(
      ['model', 'type'],
      `a ${kind.label.toLowerCase()} model cannot do a ${task} task (it does: ${kind.tasks.join(', ')})`
    );
  }
  const result = v.safeParse(kind.params, params);
  if (!result.success) throw issuesError(result.issues, ['model']);
  return { kind, params: result.output };
}
