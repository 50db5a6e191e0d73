// Original file: libs/contracts/proto/phoenix.proto

import type { CandidatePrediction as _foryou_phoenix_v1_CandidatePrediction, CandidatePrediction__Output as _foryou_phoenix_v1_CandidatePrediction__Output } from '../../../foryou/phoenix/v1/CandidatePrediction';

export interface RankResponse {
  'predictions'?: (_foryou_phoenix_v1_CandidatePrediction)[];
  'model_version'?: (string);
}

export interface RankResponse__Output {
  'predictions': (_foryou_phoenix_v1_CandidatePrediction__Output)[];
  'model_version': (string);
}
