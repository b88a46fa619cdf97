export { canonicalJson, specHash } from './hash';
export { formatPath } from './issues';
export { migrateSpec } from './migrate';
export { assertPlainJson, parseSpec, type ParseOptions } from './parse';
export * from './types';
export {
  decodeSpecFromFragment,
  encodeSpecToFragment,
  LINK_VERSION,
  MAX_FRAGMENT_CHARS,
  MAX_LINK_BYTES,
  MAX_SPEC_BYTES
} from './url';
export { validatePipeline, type PipelineCheck } from './validate';
