/**
 * The pipeline stages in their order. A stage is listed in the navigation only once it works
 * end to end; the later ones join this list as they are built.
 */
export const STAGES = [
  { id: 'data', label: 'Data', href: '/', needs: null },
  { id: 'features', label: 'Features', href: '/features', needs: 'a dataset' },
  { id: 'train', label: 'Train', href: '/train', needs: 'a feature set' },
  { id: 'models', label: 'Models', href: '/models', needs: 'a trained or imported model' }
] as const;

export type StageId = (typeof STAGES)[number]['id'];

/** Which stages have what they need; the others are shown dimmed, with what they wait for. */
export function readyStages(counts: {
  datasets: number;
  featureSets: number;
  models: number;
}): Set<StageId> {
  const ready = new Set<StageId>(['data']);
  if (counts.datasets > 0) ready.add('features');
  if (counts.featureSets > 0) ready.add('train');
  if (counts.models > 0) ready.add('models');
  return ready;
}
