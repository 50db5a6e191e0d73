import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import {
  argParser,
  ConcurrencyArg,
  DurationArg,
  ErrorRateArg,
  parseOptions,
  PortArg,
  RateArg,
  RequestsArg,
  ScaleArg,
  TargetUrlArg,
} from './args';
import { CliError } from './io';

describe('argument schemas', () => {
  it.each([
    [RateArg, '2.5', 2.5],
    [RateArg, '1e3', 1000],
    [DurationArg, '0.5', 0.5],
    [RequestsArg, '200', 200],
    [ConcurrencyArg, '1024', 1024],
    [PortArg, '8080', 8080],
    [ErrorRateArg, '0', 0],
    [ScaleArg, 'small', 'small'],
  ] as const)('accepts %#: %s', (schema, raw, expected) => {
    expect(argParser(schema as z.ZodType<unknown, unknown>)(raw)).toBe(expected);
  });

  it.each([
    [RateArg, 'abc', 'must be a number (requests per second)'],
    [RateArg, '0', 'must be greater than 0 (requests per second)'],
    [RateArg, '-3', 'must be greater than 0 (requests per second)'],
    [RateArg, 'Infinity', 'requests per second'],
    [RateArg, '1e6', 'must be at most 100000 (requests per second)'],
    [DurationArg, '0', 'must be greater than 0 (seconds)'],
    [RequestsArg, '1.5', 'must be a whole number (number of requests)'],
    [RequestsArg, '0', 'must be at least 1 (number of requests)'],
    [ConcurrencyArg, '5000', 'must be at most 1024 (requests in flight)'],
    [PortArg, '70000', 'must be at most 65535 (TCP port)'],
    [ErrorRateArg, '1.5', 'must be between 0 and 1'],
    [ScaleArg, 'huge', 'must be one of small, medium, large'],
  ] as const)('rejects %#: %s with a clear message', (schema, raw, message) => {
    const parse = argParser(schema as z.ZodType<unknown, unknown>);
    expect(() => parse(raw)).toThrow(InvalidArgumentError);
    expect(() => parse(raw)).toThrow(message);
  });
});

describe('TargetUrlArg', () => {
  const parse = argParser(TargetUrlArg);

  it('normalises to an href with a trailing slash, keeping a base path', () => {
    expect(parse('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/');
    expect(parse('https://mixer.example/api')).toBe('https://mixer.example/api/');
    expect(parse(parse('http://home-mixer:8080'))).toBe('http://home-mixer:8080/');
  });

  it.each([
    ['127.0.0.1:8080', 'must be an absolute http(s) URL such as http://127.0.0.1:8080'],
    ['localhost:8080', 'must be an absolute http(s) URL'],
    ['not a url', 'must be an absolute http(s) URL'],
    ['http://', 'must be an absolute http(s) URL'],
    ['ftp://host/', 'must use http or https, not ftp'],
    ['http://user:pw@host/', 'must not contain credentials'],
    ['http://host/?viewer_id=x', 'must not contain a query string or fragment'],
    ['http://host/#x', 'must not contain a query string or fragment'],
  ])('rejects %s', (raw, message) => {
    expect(() => parse(raw)).toThrow(message);
  });
});

describe('parseOptions', () => {
  const Schema = z.object({ maxErrorRate: ErrorRateArg, rate: RateArg.optional() });

  it('returns typed options', () => {
    expect(parseOptions(Schema, { maxErrorRate: 0.1 })).toEqual({ maxErrorRate: 0.1 });
  });

  it('names the offending option in flag form', () => {
    expect(() => parseOptions(Schema, { maxErrorRate: 2 })).toThrow(CliError);
    expect(() => parseOptions(Schema, { maxErrorRate: 2 })).toThrow(
      /^--max-error-rate: must be between 0 and 1/,
    );
  });
});
