import * as v from 'valibot';
import type { ColumnSchema } from '../data/types';
import type { Frame } from './frame';
import type { StepContext, StepKind } from './step';
import { MAX_LIST, checkUniqueNames, columnName, frameColumn, schemaIndex } from './stepkit';

const TYPE = 'rename';

const params = v.strictObject({
  /**
   * Pairs rather than an object keyed by old name: keys such as "__proto__" stay harmless and the
   * order is explicit. Renames happen simultaneously, so swapping two names works.
   */
  renames: v.pipe(
    v.array(v.strictObject({ from: columnName, to: columnName })),
    v.minLength(1, 'list at least one rename'),
    v.maxLength(MAX_LIST, `list at most ${MAX_LIST} renames`),
    v.check(
      (r) => new Set(r.map((x) => x.from)).size === r.length,
      'each column may be renamed once'
    )
  )
});
type Params = v.InferOutput<typeof params>;

function mapping(p: Params): Map<string, string> {
  return new Map(p.renames.map((r) => [r.from, r.to]));
}

/** Renames columns in place (position and data unchanged). Stateless. */
export const renameStep: StepKind<Params, null> = {
  type: TYPE,
  label: 'Rename columns',
  params,
  fields: {
    renames: {
      label: 'Renames',
      help: 'A list of { "from": old name, "to": new name }, applied together (two names can swap).'
    }
  },
  examples: [
    { renames: [{ from: 'price', to: 'price_eur' }] },
    {
      renames: [
        { from: 'rooms', to: 'change' },
        { from: 'change', to: 'rooms' }
      ]
    }
  ],
  defaults: () => null,
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    for (const r of p.renames) schemaIndex(input, r.from, ctx, TYPE);
    const m = mapping(p);
    const out = input.map((c) => ({ name: m.get(c.name) ?? c.name, type: c.type }));
    checkUniqueNames(out, ctx, TYPE);
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): null {
    for (const r of p.renames) frameColumn(train, r.from, ctx, TYPE);
    return null;
  },
  apply(frame: Frame, p: Params, _state: null, ctx: StepContext): Frame {
    for (const r of p.renames) frameColumn(frame, r.from, ctx, TYPE);
    const m = mapping(p);
    const columns = frame.columns.map((c) => {
      const to = m.get(c.name);
      return to === undefined ? c : { ...c, name: to };
    });
    checkUniqueNames(columns, ctx, TYPE);
    return { rows: frame.rows, columns };
  },
  lower(onnx, p: Params): void {
    // Read every source first: the renames happen together, so two names can swap.
    const moved = p.renames.map((r) => ({ to: r.to, value: onnx.column(r.from) }));
    for (const r of p.renames) onnx.dropColumn(r.from);
    for (const { to, value } of moved) onnx.setColumn(to, value);
  }
};
