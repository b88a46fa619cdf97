/**
 * The pipeline stages in their order. A stage is listed in the navigation only once it works
 * end to end; the later ones join this list as they are built.
 */
export const STAGES = [
  { id: 'data', label: 'Data', href: '/' },
  { id: 'features', label: 'Features', href: '/features' },
  { id: 'train', label: 'Train', href: '/train' },
  { id: 'models', label: 'Models', href: '/models' }
] as const;
