/** The Lathe code paths under test on the node side: the same functions the ingest worker calls. */
export { ingest } from '../../src/lib/core/data/ingest.ts';
export { profileTable } from '../../src/lib/core/data/profile.ts';
