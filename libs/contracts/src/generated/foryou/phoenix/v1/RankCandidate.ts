// Original file: libs/contracts/proto/phoenix.proto


export interface RankCandidate {
  'post_id'?: (string);
  'author_id'?: (string);
  'in_network'?: (boolean);
}

export interface RankCandidate__Output {
  'post_id': (string);
  'author_id': (string);
  'in_network': (boolean);
}
