import { Deadline } from './deadline';
import { FakeClock } from './fake-clock';

describe(Deadline.name, () => {
  it('should narrow by a reserve and a cap but never widen', () => {
    const clock = new FakeClock(0);
    const deadline = Deadline.after(clock, 100);
    expect(deadline.narrow({ reserveMs: 20 }).remainingMs()).toBe(80);
    expect(deadline.narrow({ reserveMs: 20, capMs: 30 }).remainingMs()).toBe(30);
    expect(deadline.narrow({ capMs: 500 }).remainingMs()).toBe(100);
    clock.advance(90);
    expect(deadline.remainingMs()).toBe(10);
    expect(deadline.narrow({ reserveMs: 20 }).expired()).toBe(true);
  });
});

describe(FakeClock.name, () => {
  it('should fire due timers in time order, including timers created while advancing', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimer(20, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(10, () => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(5, () => fired.push(`c@${clock.now()}`));
    });
    const cancel = clock.setTimer(12, () => fired.push('cancelled'));
    cancel();
    clock.advance(30);
    expect(fired).toEqual(['a@10', 'c@15', 'b@20']);
    expect(clock.now()).toBe(30);
    expect(clock.pendingTimers).toBe(0);
  });
});
