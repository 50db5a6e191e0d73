import { crashBarrierFromEnv } from './crash-barrier';

describe(crashBarrierFromEnv.name, () => {
  it('should be a no-op without FORYOU_CRASH_AT', async () => {
    await expect(crashBarrierFromEnv({})('worker:picked-up')).resolves.toBeUndefined();
  });

  it('should refuse an unknown crash point', () => {
    expect(() => crashBarrierFromEnv({ FORYOU_CRASH_AT: 'worker:lunch' })).toThrow('is not one of');
  });

  it('should stop the first arrival at the named point and let every other point through', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const barrier = crashBarrierFromEnv({ FORYOU_CRASH_AT: 'worker:picked-up' });
      await expect(barrier('relay:enqueued')).resolves.toBeUndefined();
      let passed = false;
      void barrier('worker:picked-up').then(() => (passed = true));
      await new Promise((r) => setImmediate(r));
      expect(passed).toBe(false);
      expect(write).toHaveBeenCalledWith('CRASH-BARRIER worker:picked-up\n');
      await expect(barrier('worker:picked-up')).resolves.toBeUndefined(); // only the first stops
    } finally {
      write.mockRestore();
    }
  });
});
