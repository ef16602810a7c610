// A loopback port nothing listens on, for a server a test starts later (an app process, or one
// whose address must be known before it starts, as a sign-in's redirect URI is).
import { createServer } from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago: listened on, then let go. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
