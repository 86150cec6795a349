/**
 * A start-up failure the operator can act on, said in one line (what is wrong, and what to do).
 * main.ts prints it as `[tremplin] could not start: <message>` and exits 1.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

type ErrorLike = {
  message?: unknown;
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  path?: unknown;
  address?: unknown;
  port?: unknown;
  errors?: unknown;
  user?: unknown;
};

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

/**
 * One line for any error that ends the start-up: never `undefined`, never a stack. Connection details
 * come from the error (host and port), never from DATABASE_URL, which may hold a password.
 */
export function describeStartupError(err: unknown): string {
  if (err instanceof StartupError) return err.message;
  if (err === undefined || err === null) return 'something failed without saying what (no error was given)';
  if (typeof err !== 'object') return firstLine(String(err)) || 'something failed without saying what (an empty error)';
  const e = err as ErrorLike;
  // Node reports a connection to every address of a name at once (AggregateError): the first says enough.
  const inner = Array.isArray(e.errors) && e.errors.length ? (e.errors[0] as ErrorLike) : undefined;
  const code = typeof e.code === 'string' ? e.code : typeof inner?.code === 'string' ? inner.code : undefined;
  const where = (x: ErrorLike | undefined) => (x?.address ? `${String(x.address)}${x.port ? `:${String(x.port)}` : ''}` : undefined);
  const address = where(e) ?? where(inner);
  const message = typeof e.message === 'string' ? firstLine(e.message) : '';
  switch (code) {
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach PostgreSQL${address ? ` at ${address}` : ''} (${code}): check DATABASE_URL and that the server is running`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the connection: ${message} (check the user and password in DATABASE_URL)`;
    case '3D000':
      return `${message}: create it, or fix the database name in DATABASE_URL`;
    case 'EADDRINUSE':
      return `${e.port ? `port ${String(e.port)}` : 'the port'} is already in use by another program: stop it, or set PORT to a free port`;
    case 'EACCES':
      if (e.syscall && String(e.syscall).startsWith('spawn')) {
        return `permission denied running ${String(e.path ?? 'a program')}: the user it runs as cannot reach it (see "Operations" in the README)`;
      }
      return `permission denied: ${message}`;
    default:
      break;
  }
  if (message) return message;
  const name = (err as Error).name;
  return code ? `${name ?? 'error'} ${code}` : `${name && name !== 'Error' ? name : 'an error'} without a message`;
}
