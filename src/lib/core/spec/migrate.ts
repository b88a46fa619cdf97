import { LatheError } from '../base/errors';
import { specError } from './issues';
import { SPEC_VERSION } from './types';

type SpecJson = Record<string, unknown>;

/**
 * MIGRATIONS[n] turns a version-n spec into version n + 1. Each takes the older JSON (already
 * checked to be plain, bounded JSON) and returns the next version's JSON; parseSpec validates the
 * result in full, so a migration only reshapes. When version 2 arrives: bump SPEC_VERSION, add
 * `1: (spec) => ...`, and keep a v1 fixture in test/fixtures/pipelines to prove it still opens.
 */
const MIGRATIONS: Readonly<Record<number, (spec: SpecJson) => SpecJson>> = {
  // Version 0 was the pre-release draft: the same fields as version 1, so only the number changes.
  0: (spec) => ({ ...spec, version: 1 })
};

/** The spec's JSON at SPEC_VERSION (not yet validated: parseSpec does that). */
export function migrateSpec(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw specError([], 'a pipeline spec is a JSON object');
  }
  let spec = json as SpecJson;
  const version = spec.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw specError(['version'], 'missing or non-integer version');
  }
  if (version > SPEC_VERSION) {
    throw new LatheError(
      'SPEC_FUTURE_VERSION',
      `This pipeline was made by a newer Lathe (spec version ${version}); this one reads up to ` +
        `version ${SPEC_VERSION}. Update Lathe (reload the page) to open it.`,
      { version, supported: SPEC_VERSION }
    );
  }
  for (let from = version; from < SPEC_VERSION; from++) {
    const migrate = Object.hasOwn(MIGRATIONS, from) ? MIGRATIONS[from] : undefined;
    if (!migrate) throw specError(['version'], `unknown spec version ${version}`);
    spec = migrate(spec);
  }
  return spec;
}
