// Original file: libs/contracts/proto/phoenix.proto


export interface CandidatePrediction {
  'post_id'?: (string);
  'actions'?: ({[key: string]: number | string});
}

export interface CandidatePrediction__Output {
  'post_id': (string);
  'actions': ({[key: string]: number});
}
