/**
 * Turns a kind's valibot params schema and field hints into form fields, so a new step or model
 * kind gets an editor without UI code. Column pickers, labels, help and when a field shows all
 * come from the kind's hints (core/features/hints.ts), never from its type or a field's name.
 */
import type { ColumnType } from '$lib/core/data/types';
import {
  acceptedTypes,
  keyLabel,
  type DraftParams,
  type FieldHints
} from '$lib/core/features/hints';

interface SchemaLike {
  type: string;
  entries?: Record<string, SchemaLike>;
  wrapped?: SchemaLike;
  default?: unknown;
  options?: unknown[];
  item?: SchemaLike;
  items?: SchemaLike[];
  pipe?: { type: string; requirement?: unknown }[];
}

interface Common {
  key: string;
  label: string;
  help?: string;
}

export type Field = Common &
  (
    | { kind: 'columns'; required: boolean; accepts?: readonly ColumnType[] }
    | { kind: 'column'; required: boolean; accepts?: readonly ColumnType[] }
    | { kind: 'choice'; options: string[]; required: boolean; fallback: unknown }
    | { kind: 'multichoice'; options: string[]; required: boolean; fallback: unknown }
    | { kind: 'boolean'; fallback: boolean }
    | {
        kind: 'number';
        required: boolean;
        nullable: boolean;
        integer: boolean;
        min?: number;
        max?: number;
        fallback: unknown;
      }
    | { kind: 'text'; required: boolean; multiline: boolean; fallback: unknown }
    | { kind: 'pair'; required: boolean; fallback: unknown }
    | { kind: 'json'; required: boolean; fallback: unknown }
  );

function bound(schema: SchemaLike, type: string): number | undefined {
  const action = schema.pipe?.find((a) => a.type === type);
  return typeof action?.requirement === 'number' ? action.requirement : undefined;
}

/**
 * The fields to show for a kind's params schema, its hints and the current params: fields whose
 * hint says they do not matter for these params (e.g. minmax options under another method) are
 * left out, and a column field takes the column types its hint names for these params.
 */
export function fieldsOf(params: unknown, hints: FieldHints, current: DraftParams = {}): Field[] {
  const entries = (params as SchemaLike).entries;
  if (!entries) return [];
  return Object.entries(entries)
    .filter(([key]) => hints[key]?.relevant?.(current) ?? true)
    .map(([key, raw]): Field => {
      const hint = hints[key];
      const common: Common = { key, label: hint?.label ?? keyLabel(key), help: hint?.help };
      let schema = raw;
      let required = true;
      let nullable = false;
      let fallback: unknown = undefined;
      while (
        schema.type === 'optional' ||
        schema.type === 'nullable' ||
        schema.type === 'nullish'
      ) {
        if (schema.type !== 'nullable') required = false;
        if (schema.type !== 'optional') nullable = true;
        if (fallback === undefined && schema.default !== undefined) fallback = schema.default;
        schema = schema.wrapped as SchemaLike;
      }
      const accepts = acceptedTypes(hint, current);
      if (hint?.widget === 'columns') return { ...common, kind: 'columns', required, accepts };
      if (hint?.widget === 'column') return { ...common, kind: 'column', required, accepts };
      if (hint?.widget === 'expression') {
        return { ...common, kind: 'text', required, multiline: true, fallback };
      }
      if (schema.type === 'picklist') {
        const options = (schema.options ?? []).map(String);
        return { ...common, kind: 'choice', options, required, fallback };
      }
      if (schema.type === 'array' && schema.item?.type === 'picklist') {
        const options = (schema.item.options ?? []).map(String);
        return { ...common, kind: 'multichoice', options, required, fallback };
      }
      if (schema.type === 'boolean') {
        return { ...common, kind: 'boolean', fallback: fallback === true };
      }
      if (schema.type === 'number') {
        return {
          ...common,
          kind: 'number',
          required,
          nullable,
          integer: Boolean(schema.pipe?.some((a) => a.type === 'integer')),
          min: bound(schema, 'min_value'),
          max: bound(schema, 'max_value'),
          fallback
        };
      }
      if (schema.type === 'string') {
        return { ...common, kind: 'text', required, multiline: false, fallback };
      }
      if (
        schema.type === 'tuple' &&
        schema.items?.length === 2 &&
        schema.items.every((i) => i.type === 'number')
      ) {
        return { ...common, kind: 'pair', required, fallback };
      }
      return { ...common, kind: 'json', required, fallback };
    });
}
