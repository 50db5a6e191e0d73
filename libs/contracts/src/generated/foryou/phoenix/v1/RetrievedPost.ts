// Original file: libs/contracts/proto/phoenix.proto


export interface RetrievedPost {
  'post_id'?: (string);
  'similarity'?: (number | string);
}

export interface RetrievedPost__Output {
  'post_id': (string);
  'similarity': (number);
}
