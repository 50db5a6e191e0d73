import { isOutcomeEventType, validateAssignments, validateOutcomes, validateTimeWindow } from './validate';

describe('validation', () => {
  const assignment = {
    experimentKey: 'e',
    unitId: 'u',
    variant: 'control',
    layer: 'l',
    bucket: 3,
    hashVersion: 2,
    eligibilityVersion: 1,
    assignedAt: new Date(0),
  };

  it('should accept well-formed rows', () => {
    expect(() => validateAssignments([assignment])).not.toThrow();
    expect(isOutcomeEventType('mute_author')).toBe(true);
    expect(isOutcomeEventType('like')).toBe(false);
  });

  it('should name the batch, row and field of the first problem', () => {
    expect(() => validateAssignments([assignment, { ...assignment, unitId: '' }])).toThrow(
      'assignments[1].unitId: must be a non-empty string',
    );
    expect(() => validateAssignments([{ ...assignment, bucket: 1.5 }])).toThrow(/assignments\[0\]\.bucket/);
    expect(() =>
      validateOutcomes([
        {
          clientEventId: 'c',
          unitId: 'u',
          eventType: 'dwell',
          value: Number.POSITIVE_INFINITY,
          postId: null,
          requestId: null,
          occurredAt: new Date(0),
          receivedAt: new Date(0),
        },
      ]),
    ).toThrow(/outcomes\[0\]\.value/);
  });

  it('should check windows', () => {
    expect(() => validateTimeWindow({ from: new Date(1), to: new Date(0) })).toThrow(/from/);
    expect(() => validateTimeWindow({ from: new Date(Number.NaN) })).toThrow(/window.from/);
    expect(() => validateTimeWindow(undefined)).not.toThrow();
  });
});
