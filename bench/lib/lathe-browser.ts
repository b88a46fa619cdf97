/** The Lathe code paths under test in the browser bench page: the real store and profiler. */
export { openStore, type DatasetMeta } from '../../src/lib/store/index.ts';
export { profileTable } from '../../src/lib/core/data/profile.ts';
