import type * as v from 'valibot';
import { LatheError } from '../base/errors';

export type PathItem = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `steps[2].strategy`, `rename["old name"]`; '(root)' for the document itself. */
export function formatPath(path: readonly PathItem[]): string {
  let out = '';
  for (const item of path) {
    if (typeof item === 'number') out += `[${item}]`;
    else if (IDENTIFIER.test(item)) out += out ? `.${item}` : item;
    else out += `[${JSON.stringify(item.length > 60 ? item.slice(0, 60) + '…' : item)}]`;
  }
  return out || '(root)';
}

export function specError(path: readonly PathItem[], message: string): LatheError {
  const where = formatPath(path);
  return new LatheError('SPEC_INVALID', `Invalid pipeline spec at ${where}: ${message}`, {
    path: where
  });
}

function issuePath(issue: v.BaseIssue<unknown>): PathItem[] {
  return (issue.path ?? []).map((item) => item.key as PathItem);
}

/** valibot's wording for strict objects, in plain words. */
function issueMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' || issue.type === 'object') {
    if (issue.expected === 'never') return 'unknown field';
    if (issue.received === 'undefined') return 'missing required field';
  }
  return issue.message;
}

/** The first issue as a LatheError naming its path under `prefix`; all of them (≤ 10) in details. */
export function issuesError(
  issues: readonly v.BaseIssue<unknown>[],
  prefix: readonly PathItem[] = []
): LatheError {
  const all = issues.slice(0, 10).map((issue) => ({
    path: formatPath([...prefix, ...issuePath(issue)]),
    message: issueMessage(issue)
  }));
  const first = all[0];
  return new LatheError(
    'SPEC_INVALID',
    `Invalid pipeline spec at ${first.path}: ${first.message}`,
    {
      path: first.path,
      issues: all
    }
  );
}
