// Whether a Docker engine answers here, so the test helpers can fall back to testcontainers.
import { connect } from 'node:net';

let answer: Promise<boolean> | undefined;

export function dockerAvailable(): Promise<boolean> {
  answer ??= new Promise<boolean>((resolve) => {
    const host = process.env.DOCKER_HOST;
    if (host && !host.startsWith('unix://')) return resolve(true);
    const path = host ? host.slice('unix://'.length) : '/var/run/docker.sock';
    const socket = connect(path);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  return answer;
}
