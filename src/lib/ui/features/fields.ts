/**
 * Turns a step's valibot params schema into form fields, so a new step kind gets an editor
 * without UI code. Fields named `columns`/`column`/`target`/`exclude` pick dataset columns.
 */
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

export type Field =
  | { key: string; kind: 'columns'; required: boolean }
  | { key: string; kind: 'column'; required: boolean }
  | { key: string; kind: 'choice'; options: string[]; required: boolean; fallback: unknown }
  | { key: string; kind: 'multichoice'; options: string[]; required: boolean; fallback: unknown }
  | { key: string; kind: 'boolean'; fallback: boolean }
  | {
      key: string;
      kind: 'number';
      required: boolean;
      nullable: boolean;
      integer: boolean;
      min?: number;
      max?: number;
      fallback: unknown;
    }
  | { key: string; kind: 'text'; required: boolean; multiline: boolean; fallback: unknown }
  | { key: string; kind: 'pair'; required: boolean; fallback: unknown }
  | { key: string; kind: 'json'; required: boolean; fallback: unknown };

const COLUMN_LIST_KEYS = new Set(['columns', 'exclude']);
const COLUMN_KEYS = new Set(['column', 'target', 'timeColumn']);
const MULTILINE_KEYS = new Set(['expr']);

function bound(schema: SchemaLike, type: string): number | undefined {
  const action = schema.pipe?.find((a) => a.type === type);
  return typeof action?.requirement === 'number' ? action.requirement : undefined;
}

export function fieldsOf(params: unknown): Field[] {
  const root = params as SchemaLike;
  if (!root.entries) return [];
  return Object.entries(root.entries).map(([key, raw]) => {
    let schema = raw;
    let required = true;
    let nullable = false;
    let fallback: unknown = undefined;
    while (schema.type === 'optional' || schema.type === 'nullable' || schema.type === 'nullish') {
      if (schema.type !== 'nullable') required = false;
      if (schema.type !== 'optional') nullable = true;
      if (fallback === undefined && schema.default !== undefined) fallback = schema.default;
      schema = schema.wrapped as SchemaLike;
    }
    if (schema.type === 'array' && schema.item?.type === 'string' && COLUMN_LIST_KEYS.has(key)) {
      return { key, kind: 'columns', required };
    }
    if (schema.type === 'string' && COLUMN_KEYS.has(key)) return { key, kind: 'column', required };
    if (schema.type === 'picklist') {
      return {
        key,
        kind: 'choice',
        options: (schema.options ?? []).map(String),
        required,
        fallback
      };
    }
    if (schema.type === 'array' && schema.item?.type === 'picklist') {
      const options = (schema.item.options ?? []).map(String);
      return { key, kind: 'multichoice', options, required, fallback };
    }
    if (schema.type === 'boolean') return { key, kind: 'boolean', fallback: fallback === true };
    if (schema.type === 'number') {
      return {
        key,
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
      return { key, kind: 'text', required, multiline: MULTILINE_KEYS.has(key), fallback };
    }
    if (
      schema.type === 'tuple' &&
      schema.items?.length === 2 &&
      schema.items.every((i) => i.type === 'number')
    ) {
      return { key, kind: 'pair', required, fallback };
    }
    return { key, kind: 'json', required, fallback };
  });
}

/** "maxCategories" → "max categories". */
export function fieldLabel(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

type Params = Record<string, unknown>;

/** Params that only matter for some settings of another param, hidden otherwise. */
const RELEVANT: Record<string, Record<string, (p: Params) => boolean>> = {
  impute: { fillValue: (p) => p.strategy === 'constant' },
  scale: {
    featureRange: (p) => p.method === 'minmax',
    clip: (p) => p.method === 'minmax',
    quantileRange: (p) => p.method === 'robust',
    withCentering: (p) => p.method !== 'minmax',
    withScaling: (p) => p.method !== 'minmax'
  },
  onehot: { minCount: (p) => p.maxCategories != null || p.unknown === 'other' }
};

export function isRelevant(type: string, key: string, params: Params): boolean {
  const rule = RELEVANT[type]?.[key];
  return rule ? rule(params) : true;
}
