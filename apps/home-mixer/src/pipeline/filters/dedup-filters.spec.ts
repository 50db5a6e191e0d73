import { present } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { CoreData, FeedCandidate } from '../candidate/post-candidate';
import { ConversationDedupFilter } from './conversation-dedup.filter';
import { PreviouslySeenFilter } from './previously-seen.filter';
import { RepostDeduplicationFilter } from './repost-deduplication.filter';

const core = (over: Partial<CoreData> = {}): FeedCandidate['core'] =>
  present({ authorId: 'u1', createdAtMs: 0, kind: 'original', topic: 0, text: '', ...over });
const post = (id: string, over: Partial<FeedCandidate> = {}): FeedCandidate => ({
  id,
  type: 'post',
  servedType: 'oon_retrieval',
  core: core(),
  ...over,
});
const query = (over: Partial<ForYouQuery> = {}) => ({ seenIds: new Set<string>(), ...over }) as ForYouQuery;
const outcome = async (
  r: Promise<{
    ok: boolean;
    value?: {
      kept: readonly FeedCandidate[];
      removed: readonly { candidate: FeedCandidate; reason: string }[];
    };
  }>,
) => {
  const res = await r;
  if (!res.ok || !res.value) {
    throw new Error('filter failed');
  }
  return {
    kept: res.value.kept.map((c) => c.id),
    removed: res.value.removed.map((r) => [r.candidate.id, r.reason]),
  };
};

describe(RepostDeduplicationFilter.name, () => {
  it('should keep one candidate per original, the first in source order', async () => {
    const sut = new RepostDeduplicationFilter();
    const result = await outcome(
      sut.filter(query(), [
        post('r1', { core: core({ kind: 'repost', repostOfPostId: 'p1' }) }),
        post('p1'),
        post('r2', { repostOfPostId: 'p1' }),
        post('p2'),
      ]),
    );
    expect(result).toEqual({
      kept: ['r1', 'p2'],
      removed: [
        ['p1', 'repost_duplicate'],
        ['r2', 'repost_duplicate'],
      ],
    });
  });
});

describe(PreviouslySeenFilter.name, () => {
  it('should drop seen posts and reposts of seen originals', async () => {
    const sut = new PreviouslySeenFilter();
    const result = await outcome(
      sut.filter(query({ seenIds: new Set(['p1', 'p9']) }), [
        post('p1'),
        post('r1', { repostOfPostId: 'p9' }),
        post('p2'),
      ]),
    );
    expect(result).toEqual({
      kept: ['p2'],
      removed: [
        ['p1', 'previously_seen'],
        ['r1', 'previously_seen'],
      ],
    });
  });
});

describe(ConversationDedupFilter.name, () => {
  it('should keep the best-scored post per conversation', async () => {
    const sut = new ConversationDedupFilter();
    const result = await outcome(
      sut.filter(query(), [
        post('root', { score: 1 }),
        post('reply-a', { score: 3, core: core({ kind: 'reply', replyToPostId: 'root' }) }),
        post('reply-b', { score: 2, replyToPostId: 'root' }),
        post('other', { score: 0.5 }),
      ]),
    );
    expect(result).toEqual({
      kept: ['reply-a', 'other'],
      removed: [
        ['root', 'conversation_duplicate'],
        ['reply-b', 'conversation_duplicate'],
      ],
    });
  });
});
