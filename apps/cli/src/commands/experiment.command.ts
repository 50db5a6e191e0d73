import { Command } from 'commander';
import type { CliIo } from '../io';
import { experimentKillCommand, experimentListCommand } from './experiment-kill.command';
import { experimentReportCommand } from './experiment-report.command';
import { experimentSimulateCommand } from './experiment-simulate.command';

/**
 * `foryou experiment <subcommand>`: the experiment tools. Each subcommand is its own factory in
 * `experiment-<name>.command.ts`; this parent only lists them (add one line per subcommand), and gives
 * them the program's output and error settings.
 */
export function experimentCommand(io: CliIo): Command {
  const parent = new Command('experiment').description(
    'Experiments: reports, kill switches and the A/A + power simulation.',
  );
  const subcommands: Command[] = [
    experimentReportCommand(io),
    experimentSimulateCommand(io),
    experimentKillCommand(io),
    experimentListCommand(io),
  ];
  for (const sub of subcommands) {
    parent.addCommand(
      sub
        .showHelpAfterError('(run with --help for usage)')
        .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) }),
    );
  }
  return parent;
}
