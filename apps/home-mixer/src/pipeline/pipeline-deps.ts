import type { PipelineRunner } from '@foryou/candidate-pipeline';
import type { Adapters } from '../adapters';

/** Everything the For You pipelines talk to. Production and tests build pipelines from the same deps shape. */
export interface PipelineDeps extends Adapters {
  readonly runner: PipelineRunner;
}
