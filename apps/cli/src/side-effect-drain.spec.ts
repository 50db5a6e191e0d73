import { parseSideEffectBacklog } from './side-effect-drain';

describe(parseSideEffectBacklog.name, () => {
  it('should add the outbox and the unfinished queue states, and sum job outcomes over types', () => {
    const text = [
      '# TYPE foryou_async_outbox_pending gauge',
      'foryou_async_outbox_pending 3',
      'foryou_async_queue_jobs{queue="side-effects",state="waiting"} 5',
      'foryou_async_queue_jobs{queue="side-effects",state="active"} 2',
      'foryou_async_queue_jobs{queue="side-effects",state="failed"} 9',
      'foryou_async_jobs_total{type="served-history.update",outcome="applied"} 10',
      'foryou_async_jobs_total{type="served-candidates.append",outcome="applied"} 11',
      'foryou_async_jobs_total{type="served-history.update",outcome="duplicate"} 1',
      'foryou_async_jobs_total{type="served-history.update",outcome="quarantined"} 4',
    ].join('\n');
    expect(parseSideEffectBacklog(text)).toEqual({ applied: 21, duplicates: 1, quarantined: 4, pending: 10 });
  });

  it('should not mistake other metrics for the workers', () => {
    expect(
      parseSideEffectBacklog('foryou_feed_requests_total{surface="for_you",outcome="ok"} 3'),
    ).toBeUndefined();
  });
});
