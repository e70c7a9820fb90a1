/**
 * Reads a password for the CLI: from the terminal with echo off (raw mode; Backspace edits,
 * Ctrl+C / Ctrl+D abort), or, when stdin is not a terminal, the first line of stdin (so
 * `echo "$PW" | webkvm-user passwd alice` works in scripts). Never from argv, where any user
 * could read it in /proc/<pid>/cmdline.
 */
export class PromptError extends Error {
  override readonly name = 'PromptError';
  constructor(
    readonly code: 'aborted' | 'no-input' | 'mismatch',
    message: string,
  ) {
    super(message);
  }
}

let piped: Promise<string[]> | undefined;

/** All of stdin, split into lines, read once (several prompts take successive lines). */
function pipedLines(input: NodeJS.ReadStream): Promise<string[]> {
  piped ??= new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    input.on('data', (c: Buffer) => chunks.push(c));
    input.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').split(/\r?\n/)));
    input.on('error', reject);
  });
  return piped;
}

function readHidden(input: NodeJS.ReadStream, output: NodeJS.WriteStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    let value = '';
    input.setRawMode(true);
    input.resume();
    const done = (err?: PromptError): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new PromptError('aborted', 'aborted'));
        if (ch === '\u0004') return value === '' ? done(new PromptError('aborted', 'aborted')) : done();
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}

let lineNo = 0;

/**
 * One password. On a terminal, asks twice when `confirm` and insists they match.
 * @throws PromptError 'aborted' (Ctrl+C/D), 'no-input' (stdin ended), 'mismatch'
 */
export async function readPassword(
  prompt: string,
  opts: { confirm?: boolean; input?: NodeJS.ReadStream; output?: NodeJS.WriteStream } = {},
): Promise<string> {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stderr;
  if (!input.isTTY) {
    const lines = await pipedLines(input);
    const line = lines[lineNo++];
    if (line === undefined || (line === '' && lineNo >= lines.length))
      throw new PromptError('no-input', 'no password on stdin (send it as one line)');
    return line;
  }
  const first = await readHidden(input, output, prompt);
  if (!opts.confirm) return first;
  const again = await readHidden(input, output, 'again: ');
  if (again !== first) throw new PromptError('mismatch', 'the two passwords differ');
  return first;
}
