import { parseArgs } from './args.js';
import type { Command, Io } from './command.js';
import { commands } from './commands/index.js';
import { formatError, StrataError, toErrorData } from '../../shared/errors.js';

// A reader that goes away (`strata runs | head -1`) ends the command quietly, as it ends `git log`:
// exit 0, no stack trace. Any other stream error is still a failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const io: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: strata <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `strata <command> --help` for a command's options.",
  ].join('\n');
}

function commandHelp(c: Command): string {
  const flags = Object.entries(c.flags).map(
    ([name, f]) =>
      `  --${name}${f.type === 'string' ? ' <value>' : ''}${f.short ? `, -${f.short}` : ''}\n      ${f.help}`,
  );
  return [
    `usage: ${c.usage}`,
    '',
    c.summary + '.',
    ...(c.description ? ['', c.description] : []),
    '',
    'options:',
    ...flags,
    '  --help\n      show this help',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    const { appVersion } = await import('../core/app/version.js');
    io.out(appVersion());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`strata: unknown command "${name}". Run \`strata --help\` for the list.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(parseArgs(rest, command.flags), io);
  } catch (err) {
    const data = toErrorData(err);
    io.err(`strata ${name}: ${formatError(data)}`);
    if (process.env.STRATA_DEBUG && !(err instanceof StrataError)) io.err(String((err as Error).stack));
    return data.code === 'BAD_REQUEST' ? 2 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    io.err(`strata: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
