import * as v from 'valibot';
import { COLUMN_TYPES } from './types';
import { MAX_FORMAT_LENGTH } from './dateformat';
import { LatheError } from '../base/errors';

/** Where the bytes of a dataset come from, as sent to the ingest worker. */
export type IngestInput =
  | { kind: 'file'; file: Blob; fileName: string }
  | { kind: 'url'; url: string }
  | { kind: 'sample'; url: string; sampleId: string; name: string; fileName: string };

const Name = v.pipe(v.string(), v.minLength(1), v.maxLength(500));

export const IngestRequestSchema = v.strictObject({
  input: v.variant('kind', [
    v.strictObject({ kind: v.literal('file'), file: v.instance(Blob), fileName: Name }),
    v.strictObject({ kind: v.literal('url'), url: v.pipe(v.string(), v.url(), v.maxLength(4096)) }),
    v.strictObject({
      kind: v.literal('sample'),
      url: v.pipe(v.string(), v.maxLength(4096)),
      sampleId: v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/)),
      name: Name,
      fileName: Name
    })
  ]),
  columnTypes: v.optional(v.record(v.string(), v.picklist(COLUMN_TYPES))),
  columnFormats: v.optional(
    v.record(Name, v.pipe(v.string(), v.maxLength(MAX_FORMAT_LENGTH), v.regex(/^[^\p{Cc}]+$/u)))
  ),
  name: v.optional(Name),
  /** A re-import: the id of the saved dataset the result becomes the next version of. */
  replaces: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'expected a dataset id')))
});

export type IngestRequest = v.InferOutput<typeof IngestRequestSchema>;

/** Messages reaching a worker are untrusted data: check their shape before acting on them. */
export function parseIngestRequest(message: unknown): IngestRequest {
  const result = v.safeParse(IngestRequestSchema, message);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? '(root)';
    throw new LatheError('BAD_REQUEST', `Invalid ingest request at ${path}: ${issue.message}`);
  }
  return result.output;
}
