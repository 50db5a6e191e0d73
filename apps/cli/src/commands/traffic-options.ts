import { Option } from 'commander';
import {
  argParser,
  ConcurrencyArg,
  EngagementArg,
  ErrorRateArg,
  LimitArg,
  TimeoutMsArg,
  ViewersArg,
} from '../args';

/** Options shared by `demo` and `loadgen`, with the same parsing and messages. */
export function sharedTrafficOptions(defaults: { concurrency: number; timeoutMs: number }): Option[] {
  return [
    new Option('--concurrency <n>', 'requests in flight at most')
      .argParser(argParser(ConcurrencyArg))
      .default(defaults.concurrency),
    new Option(
      '--viewers <n>',
      'synthetic viewers u0…u<n-1> (never xiaolin, whose first feed is left for you)',
    )
      .argParser(argParser(ViewersArg))
      .default(1000),
    new Option('--limit <n>', 'items per feed request').argParser(argParser(LimitArg)).default(20),
    new Option('--timeout <ms>', 'per-request timeout in milliseconds')
      .argParser(argParser(TimeoutMsArg))
      .default(defaults.timeoutMs),
    new Option('--max-error-rate <ratio>', 'exit with status 1 when a larger fraction of requests fails')
      .argParser(argParser(ErrorRateArg))
      .default(0.01),
    new Option(
      '--engagement <on|off>',
      "react to every feed like its viewer would (the world's engagement simulator) and POST the events to /v1/events/engagement",
    )
      .argParser(argParser(EngagementArg))
      .default('on'),
  ];
}
