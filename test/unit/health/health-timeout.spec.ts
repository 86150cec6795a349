import { stat } from 'node:fs/promises';
import { withTimeout } from '../../../src/health/health.service.js';

/** Holds the event loop, as a heavy synchronous render in another request would. */
function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('health check timeout', () => {
  it('gives up when no answer comes in time', async () => {
    await expect(withTimeout(new Promise(() => undefined), 30)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('keeps an answer that arrived while the event loop was blocked past the deadline', async () => {
    // Started and blocked in the check phase, so the loop next runs the (overdue) timers, then the poll
    // phase where the I/O answer that landed during the block is read.
    const { answer } = await new Promise<{ answer: Promise<string> }>((started) =>
      setImmediate(() => {
        const answer = withTimeout(
          stat('.').then(() => 'answered'),
          30,
        );
        blockFor(120);
        started({ answer });
      }),
    );
    await expect(answer).resolves.toBe('answered');
  });
});
