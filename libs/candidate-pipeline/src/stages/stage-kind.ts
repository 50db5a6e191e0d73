/** The stages of one pipeline run, in execution order (x-algorithm `execute`). */
export const STAGE_ORDER = [
  'query_hydrators',
  'sources',
  'hydrators',
  'filters',
  'scorers',
  'selector',
  'post_selection_hydrators',
  'post_selection_filters',
  'truncate',
  'side_effects',
] as const;

export type StageKind = (typeof STAGE_ORDER)[number];
