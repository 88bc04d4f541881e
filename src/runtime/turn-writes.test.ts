import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { writeAtEndOfTurn } from './turn-writes.js';

const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** A loopback server that keeps what each connection sent, and sockets connected to it. */
async function connectedSockets(count: number): Promise<{ sockets: Socket[]; received: () => Promise<string[]> }> {
  const texts: string[] = [];
  const closed: Promise<unknown>[] = [];
  server = createServer((peer) => {
    const at = texts.push('') - 1;
    peer.setEncoding('utf8');
    peer.on('data', (text: string) => (texts[at] += text));
    closed.push(once(peer, 'end'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const made: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    sockets.push(socket);
    made.push(socket);
  }
  // Each peer's text, once the sockets have said all and ended.
  const received = async (): Promise<string[]> => {
    for (const socket of made) if (!socket.destroyed) socket.end();
    while (closed.length < made.length) await endOfTurn();
    await Promise.all(closed);
    return texts;
  };
  return { sockets: made, received };
}

describe('writes at the end of the turn', () => {
  it('leaves the sockets untouched during the turn and writes every request after it, in order, bodies with their heads', async () => {
    const { sockets: [first, second], received } = await connectedSockets(2);
    writeAtEndOfTurn(first, 'GET /a HTTP/1.1\r\n\r\n');
    writeAtEndOfTurn(second, 'POST /b HTTP/1.1\r\ncontent-length: 6\r\n\r\n', '{"é":1}');
    writeAtEndOfTurn(first, 'GET /c HTTP/1.1\r\n\r\n');
    expect(first.bytesWritten + second.bytesWritten).toBe(0);

    await endOfTurn();
    expect(first.bytesWritten).toBeGreaterThan(0);
    const texts = await received();
    expect(texts.sort()).toEqual(['GET /a HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n', 'POST /b HTTP/1.1\r\ncontent-length: 6\r\n\r\n{"é":1}']);
  });

  it('skips a socket destroyed before the end of the turn and still writes the others', async () => {
    const { sockets: [dropped, kept], received } = await connectedSockets(2);
    writeAtEndOfTurn(dropped, 'GET /lost HTTP/1.1\r\n\r\n');
    writeAtEndOfTurn(kept, 'GET /kept HTTP/1.1\r\n\r\n');
    dropped.destroy();

    await endOfTurn();
    expect(dropped.bytesWritten).toBe(0);
    const texts = await received();
    expect(texts).toContain('GET /kept HTTP/1.1\r\n\r\n');
    expect(texts.join('')).not.toContain('/lost');
  });

  it('gathers the writes of the next turn anew', async () => {
    const { sockets: [socket], received } = await connectedSockets(1);
    writeAtEndOfTurn(socket, 'GET /1 HTTP/1.1\r\n\r\n');
    await endOfTurn();
    const afterFirst = socket.bytesWritten;
    writeAtEndOfTurn(socket, 'GET /2 HTTP/1.1\r\n\r\n');
    expect(socket.bytesWritten).toBe(afterFirst);
    await endOfTurn();
    expect(await received()).toEqual(['GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n']);
  });
});
