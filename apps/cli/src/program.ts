import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { demoCommand } from './commands/demo.command';
import { dlqCommand } from './commands/dlq.command';
import { evalCommand } from './commands/eval.command';
import { experimentCommand } from './commands/experiment.command';
import { loadgenCommand } from './commands/loadgen.command';
import { publishWorldCommand } from './commands/publish-world.command';
import { reconcileCommand } from './commands/reconcile.command';
import { trainCommand } from './commands/train.command';
import { processIo, type CliIo } from './io';

function cliVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The `foryou` operator CLI. Each command validates its options and returns an exit code. */
export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('foryou')
    .description('foryou operator CLI: run the demo, generate load, train and evaluate, operate async work.')
    .version(cliVersion())
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
  for (const command of [demoCommand(io), loadgenCommand({ io })]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  program.addCommand(publishWorldCommand({ io }).copyInheritedSettings(program));
  program.addCommand(trainCommand(io).copyInheritedSettings(program));
  program.addCommand(evalCommand(io).copyInheritedSettings(program));
  program.addCommand(dlqCommand({ io }).copyInheritedSettings(program));
  program.addCommand(reconcileCommand({ io }).copyInheritedSettings(program));
  program.addCommand(experimentCommand(io).copyInheritedSettings(program));
  return program;
}
