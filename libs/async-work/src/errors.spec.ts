import { classify, PermanentJobError, permanentReasonOf } from './errors';

describe('failure classification', () => {
  it('should read the reason back from a quarantined job message, and only a known one', () => {
    const err = new PermanentJobError('unknown_schema_version', 'needs v3');
    expect(classify(err)).toBe('permanent');
    expect(permanentReasonOf(err.message)).toBe('unknown_schema_version');
    expect(permanentReasonOf('[timeout] took too long')).toBeUndefined();
    expect(permanentReasonOf('connect ECONNREFUSED')).toBeUndefined();
    expect(classify(new Error('x'))).toBe('transient');
  });
});
