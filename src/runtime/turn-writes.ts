/**
 * Request writes gathered over one turn of the event loop and made together at its end.
 *
 * A write to a device's socket wakes whatever reads the other end; on a loopback or a busy
 * host that wake-up is paid inside the writer's system call. Polls start one at a time, as
 * each earlier answer is read and a concurrency slot frees, so written at once nearly every
 * request paid a wake-up of its own. Written together after the turn's callbacks, the first
 * write wakes the other side and the rest find it awake. At 5,000 elements this halved the
 * event loop's time in socket writes (bench/README.md, round 17). A request waits at most
 * for the rest of the turn it was made in.
 */
import type { Socket } from 'node:net';

interface PendingWrite {
  socket: Socket;
  head: string;
  body: string | undefined;
}

let pending: PendingWrite[] = [];

/** Writes the request's head (latin1) and body (UTF-8) on the socket once this turn's callbacks are done, unless it is destroyed by then. */
export function writeAtEndOfTurn(socket: Socket, head: string, body?: string): void {
  pending.push({ socket, head, body });
  if (pending.length === 1) setImmediate(writePending);
}

function writePending(): void {
  const writes = pending;
  pending = [];
  for (const { socket, head, body } of writes) {
    // Dropped meanwhile (aborted, timed out, Tally stopping): its exchange has failed already.
    if (socket.destroyed) continue;
    if (body === undefined) {
      socket.write(head, 'latin1');
      continue;
    }
    socket.cork();
    socket.write(head, 'latin1');
    socket.write(body, 'utf8');
    socket.uncork();
  }
}
