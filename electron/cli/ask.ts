import readline from 'node:readline/promises';

/**
 * Asks a yes/no question when a person is at the terminal; null when not (a script, CI, a pipe), so
 * the caller fails with what to pass instead of waiting for an answer nobody will type.
 */
export async function askYesNo(question: string): Promise<boolean | null> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
