import { describeStartupError, StartupError } from '../../src/common/startup-error.js';
import { blockedDirectory, directoriesAbove, octalMode, permits, type FileMode } from '../../src/database/postgres-access.util.js';

const POSTGRES = { uid: 101, gid: 104 };

describe('can the postgres user reach its programs and data', () => {
  it('applies owner, then group, then others bits, as the kernel does', () => {
    expect(permits({ mode: 0o700, uid: 0, gid: 0 }, POSTGRES, 1)).toBe(false);
    expect(permits({ mode: 0o711, uid: 0, gid: 0 }, POSTGRES, 1)).toBe(true);
    expect(permits({ mode: 0o750, uid: 0, gid: 104 }, POSTGRES, 1)).toBe(true);
    // The owner's bits alone decide for the owner, even when others may.
    expect(permits({ mode: 0o077, uid: 101, gid: 0 }, POSTGRES, 1)).toBe(false);
    expect(permits({ mode: 0o755, uid: 0, gid: 0 }, POSTGRES, 5)).toBe(true);
  });

  it('names the first directory on the way that cannot be entered (a clone under /root)', () => {
    const modes: Record<string, FileMode> = {
      '/': { mode: 0o755, uid: 0, gid: 0 },
      '/root': { mode: 0o700, uid: 0, gid: 0 },
      '/root/tremplin': { mode: 0o755, uid: 0, gid: 0 },
      '/root/tremplin/node_modules': { mode: 0o755, uid: 0, gid: 0 },
      '/opt': { mode: 0o755, uid: 0, gid: 0 },
      '/opt/tremplin': { mode: 0o755, uid: 0, gid: 0 },
    };
    const stat = (p: string) => modes[p];
    expect(directoriesAbove('/root/tremplin/node_modules/initdb')).toEqual(['/', '/root', '/root/tremplin', '/root/tremplin/node_modules']);
    expect(blockedDirectory('/root/tremplin/node_modules/initdb', POSTGRES, stat)).toMatchObject({ dir: '/root', mode: 0o700 });
    expect(blockedDirectory('/opt/tremplin/.data/postgres', POSTGRES, stat)).toBeNull();
    expect(octalMode(0o40700)).toBe('0700');
  });
});

describe('start-up failures in one line', () => {
  it('never says undefined, and names what to do', () => {
    expect(describeStartupError(undefined)).not.toMatch(/undefined/);
    expect(describeStartupError(null)).not.toMatch(/null/);
    expect(describeStartupError(new Error(''))).toBe('an error without a message');
    expect(describeStartupError(new StartupError('DATA_DIR is not writable'))).toBe('DATA_DIR is not writable');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 5999 });
    expect(describeStartupError(refused)).toBe('cannot reach PostgreSQL at 127.0.0.1:5999 (ECONNREFUSED): check DATABASE_URL and that the server is running');
    expect(describeStartupError(Object.assign(new AggregateError([refused]), { code: 'ECONNREFUSED' }))).toMatch(/^cannot reach PostgreSQL at 127.0.0.1:5999/);
    expect(describeStartupError(Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:3000'), { code: 'EADDRINUSE', port: 3000 }))).toBe(
      'port 3000 is already in use by another program: stop it, or set PORT to a free port',
    );
    expect(
      describeStartupError(
        Object.assign(new Error('spawn /root/r/node_modules/initdb EACCES'), {
          code: 'EACCES',
          syscall: 'spawn /root/r/node_modules/initdb',
          path: '/root/r/node_modules/initdb',
        }),
      ),
    ).toMatch(/^permission denied running \/root\/r\/node_modules\/initdb/);
    expect(describeStartupError(new Error('first line\n    at somewhere (file.js:1:1)'))).toBe('first line');
    for (const err of [undefined, null, '', new Error(''), {}, 0]) expect(describeStartupError(err).split('\n')).toHaveLength(1);
  });
});
