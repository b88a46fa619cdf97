import * as v from 'valibot';
import type { LatheErrorData } from '../base/errors';
import { issuesError, specError } from '../spec/issues';
import { balanceStep } from './balance';
import { bucketizeStep } from './bucketize';
import { castStep } from './cast';
import { clipStep } from './clip';
import { datepartsStep } from './dateparts';
import { deriveStep } from './derive';
import { dropStep } from './drop';
import { dropconstantStep } from './dropconstant';
import { filterStep } from './filter';
import { frequencyStep } from './frequency';
import { missingMessage } from './hints';
import { imputeStep } from './impute';
import { log1pStep } from './log1p';
import { onehotStep } from './onehot';
import { ordinalStep } from './ordinal';
import { renameStep } from './rename';
import { scaleStep } from './scale';
import { selectStep } from './select';
import type { StepKind } from './step';
import { textStep } from './text';
import { winsorizeStep } from './winsorize';

/**
 * Every step kind, keyed by the `type` written in specs. Keys are explicit strings (never derived
 * from a kind's own `type`), so renaming a kind cannot silently change the spec format.
 */
export const STEP_KINDS: Readonly<Record<string, StepKind>> = Object.freeze({
  select: selectStep,
  drop: dropStep,
  rename: renameStep,
  cast: castStep,
  filter: filterStep,
  derive: deriveStep,
  impute: imputeStep,
  scale: scaleStep,
  onehot: onehotStep,
  ordinal: ordinalStep,
  frequency: frequencyStep,
  bucketize: bucketizeStep,
  log1p: log1pStep,
  clip: clipStep,
  winsorize: winsorizeStep,
  dateparts: datepartsStep,
  text: textStep,
  dropconstant: dropconstantStep,
  balance: balanceStep
});

export const STEP_TYPES: readonly string[] = Object.freeze(Object.keys(STEP_KINDS).sort());

/** The kind for a step type, or undefined (never a prototype member such as "constructor"). */
export function stepKind(type: string): StepKind | undefined {
  return Object.hasOwn(STEP_KINDS, type) ? STEP_KINDS[type] : undefined;
}

export interface ResolvedStep {
  kind: StepKind;
  /** The step's params as its schema outputs them (defaults filled in). */
  params: unknown;
}

/**
 * Checks step `index` of a spec (`{ type, ...params }`) against its kind's param schema. Throws
 * LatheError 'SPEC_INVALID' naming the path, e.g. `steps[2].strategy`.
 */
export function resolveStep(
  step: unknown,
  index: number,
  kinds: Readonly<Record<string, StepKind>> = STEP_KINDS
): ResolvedStep {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) {
    throw specError(['steps', index], 'a step is an object with a "type"');
  }
  const { type, ...params } = step as Record<string, unknown>;
  if (typeof type !== 'string') {
    throw specError(['steps', index, 'type'], 'missing step type');
  }
  const kind = Object.hasOwn(kinds, type) ? kinds[type] : undefined;
  if (!kind) {
    const known = Object.keys(kinds).sort();
    const shown = type.length > 40 ? type.slice(0, 40) + '…' : type;
    throw specError(
      ['steps', index, 'type'],
      `unknown step type ${JSON.stringify(shown)}; known types: ${known.join(', ') || '(none)'}`
    );
  }
  const result = v.safeParse(kind.params, params);
  if (!result.success) throw issuesError(result.issues, ['steps', index]);
  return { kind, params: result.output };
}

export interface StepProblem {
  /** The step the problem is in; null for the spec itself. */
  stepIndex: number | null;
  /** The message names the step ("Step 3 (log1p): …") when there is one. */
  error: LatheErrorData;
  /** What is wrong, without the step's name: "choose at least one column". */
  what: string;
}

const STEP_PATH = /^steps\[(\d+)\](?:\.([A-Za-z_$][\w$]*))?/;

/**
 * Where a spec error is and what it says in the editor's words: a parse error about a step's
 * params ("Invalid pipeline spec at steps[2].columns: missing required field") becomes
 * "Step 3 (log1p): choose at least one column", using the kind's field hints. Other errors keep
 * their message; the code and details are kept.
 */
export function stepProblem(
  error: LatheErrorData,
  steps: readonly { type: string }[]
): StepProblem {
  const path = typeof error.details?.path === 'string' ? error.details.path : '';
  const match = STEP_PATH.exec(path);
  if (!match) return { stepIndex: null, error, what: error.message };
  const index = Number(match[1]);
  const key = match[2];
  const type = steps[index]?.type;
  const kind = typeof type === 'string' ? stepKind(type) : undefined;
  if (error.code !== 'SPEC_INVALID' || !kind || !key || key === 'type') {
    return { stepIndex: index, error, what: error.message };
  }
  const issues = error.details?.issues;
  const first = Array.isArray(issues)
    ? (issues[0] as { message?: unknown } | undefined)
    : undefined;
  const said = typeof first?.message === 'string' ? first.message : error.message;
  const words = said === 'missing required field' ? missingMessage(key, kind.fields[key]) : said;
  return {
    stepIndex: index,
    error: { ...error, message: `Step ${index + 1} (${kind.type}): ${words}` },
    what: words
  };
}
