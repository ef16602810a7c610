// Synthetic logs of the failure classes issue 18 found on public logs we do not have, written from
// the descriptions (not copied from any data set): each line carries the event it was
// generated from, so a test can score the miner's grouping the way the evaluation does (GA).
// A seeded generator (the core's SeededRandom) keeps every run identical.
import { SeededRandom } from '../stats/random.js';

export interface LabelledLine {
  readonly event: string;
  readonly text: string;
}

/** The core's seeded generator with the draws the logs need, so the logs are the same on every run. */
export class Dice extends SeededRandom {
  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }

  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-${this.hex(4)}-${this.hex(4)}-${this.hex(12)}`;
  }

  ip(): string {
    return `10.${this.int(256)}.${this.int(256)}.${1 + this.int(254)}`;
  }
}

/**
 * A proxy's access log: a program name first (`chrome.exe`, `git-remote-https.exe`), the target
 * host (a name without digits, often) and port, the proxy host; connection lifetimes written as
 * `<1 sec` or `mm:ss`; byte counts with and without a size in brackets.
 */
export function proxyAccessLog(lines: number, dice = new Dice(18)): LabelledLine[] {
  const programs = [
    'chrome.exe',
    'firefox.exe',
    'Dropbox.exe',
    'Teams.exe',
    'git-remote-https.exe',
    'svchost.exe',
  ];
  const hosts = [
    'api.github.com',
    'www.google.com',
    'client-lb.dropbox.com',
    'qa.sockets.stackexchange.com',
    'outlook.office365.com',
    'update.googleapis.com',
    'cdn.jsdelivr.net',
    'static.example.org',
    'login.microsoftonline.com',
    'mirrors.kernel.org',
  ];
  const proxy = 'proxy.corp.example.edu';
  const out: LabelledLine[] = [];
  for (let i = 0; i < lines; i++) {
    const program = dice.pick(programs);
    const target = `${dice.pick(hosts)}:${dice.pick([443, 80, 8080, 5228])}`;
    const roll = dice.next();
    const lifetime =
      dice.next() < 0.5
        ? '<1 sec'
        : `${String(dice.int(60)).padStart(2, '0')}:${String(dice.int(60)).padStart(2, '0')}`;
    if (roll < 0.45) {
      out.push({ event: 'open', text: `${program} - ${target} open through proxy ${proxy}:5070 HTTPS` });
    } else if (roll < 0.85) {
      out.push({
        event: 'close',
        text: `${program} - ${target} close, ${dice.int(5000)} bytes sent, ${dice.int(90000)} bytes received, lifetime ${lifetime}`,
      });
    } else if (roll < 0.95) {
      const sent = 1024 + dice.int(900_000);
      const received = 1024 + dice.int(9_000_000);
      out.push({
        event: 'close-sized',
        text:
          `${program} - ${target} close, ${sent} bytes (${(sent / 1024).toFixed(2)} KB) sent, ` +
          `${received} bytes (${(received / 1048576).toFixed(2)} MB) received, lifetime ${lifetime}`,
      });
    } else {
      out.push({
        event: 'error',
        text: `${program} - ${target} error : Could not connect to proxy ${proxy}:5070 - connection attempt failed with error 10061`,
      });
    }
  }
  return out;
}

/**
 * A cloud controller's API log: request lines in quotes (the method is the event, the path a
 * value), and instance lifecycle events whose verb is the event.
 */
export function cloudApiLog(lines: number, dice = new Dice(7)): LabelledLine[] {
  const tenant = () => dice.hex(32);
  const out: LabelledLine[] = [];
  for (let i = 0; i < lines; i++) {
    const roll = dice.next();
    const stats = `status: ${dice.pick([200, 202, 204, 404])} len: ${200 + dice.int(3000)} time: 0.${dice.int(9_999_999)}`;
    if (roll < 0.4) {
      out.push({ event: 'GET', text: `${dice.ip()} "GET /v2/${tenant()}/servers/detail HTTP/1.1" ${stats}` });
    } else if (roll < 0.5) {
      out.push({
        event: 'POST',
        text: `${dice.ip()} "POST /v2/${tenant()}/os-server-external-events HTTP/1.1" ${stats}`,
      });
    } else if (roll < 0.6) {
      out.push({
        event: 'DELETE',
        text: `${dice.ip()} "DELETE /v2/${tenant()}/servers/${dice.uuid()} HTTP/1.1" ${stats}`,
      });
    } else if (roll < 0.9) {
      const verb = dice.pick(['Started', 'Paused', 'Resumed', 'Stopped']);
      out.push({ event: `VM ${verb}`, text: `[instance: ${dice.uuid()}] VM ${verb} (Lifecycle Event)` });
    } else {
      out.push({
        event: 'took',
        text: `[instance: ${dice.uuid()}] Took ${(dice.next() * 30).toFixed(2)} seconds to spawn the instance on the hypervisor.`,
      });
    }
  }
  return out;
}

/**
 * A syslog of a small server: a service name as the first token of its start-up line, user
 * fields with a few values (as a word and as `user=`), and replica lists joined by commas.
 */
export function serverSyslog(lines: number, dice = new Dice(42)): LabelledLine[] {
  const services = [
    'syslogd',
    'klogd',
    'irqbalance',
    'portmap',
    'rpc.statd',
    'rpcidmapd',
    'nfslock',
    'cupsd',
  ];
  const users = ['cyrus', 'news', 'test'];
  const out: LabelledLine[] = [];
  for (let i = 0; i < lines; i++) {
    const roll = dice.next();
    if (roll < 0.15) {
      out.push({ event: 'startup', text: `${dice.pick(services)} startup succeeded` });
    } else if (roll < 0.45) {
      out.push({
        event: 'session',
        text: `session opened for user ${dice.pick(users)} by (uid=${dice.pick([0, 0, 509])})`,
      });
    } else if (roll < 0.7) {
      out.push({
        event: 'auth',
        text: `authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=${dice.ip()} user=${dice.pick(['root', 'guest', 'test'])}`,
      });
    } else {
      const replicas = Array.from({ length: 1 + dice.int(4) }, () => `${dice.ip()}:5432`).join(',');
      out.push({ event: 'replicas', text: `connected to replicas ${replicas} in ${dice.int(900)} ms` });
    }
  }
  return out;
}

/** Ids per line → whether every event is exactly one id and no id holds two events (GA = 1). */
export function groupsExactly(lines: readonly LabelledLine[], ids: readonly string[]): string[] {
  const idsOf = new Map<string, Set<string>>();
  const eventsOf = new Map<string, Set<string>>();
  lines.forEach((l, i) => {
    (idsOf.get(l.event) ?? idsOf.set(l.event, new Set()).get(l.event)!).add(ids[i]!);
    (eventsOf.get(ids[i]!) ?? eventsOf.set(ids[i]!, new Set()).get(ids[i]!)!).add(l.event);
  });
  const problems: string[] = [];
  for (const [event, set] of idsOf)
    if (set.size > 1) problems.push(`${event} split into ${set.size} templates`);
  for (const [id, set] of eventsOf)
    if (set.size > 1) problems.push(`${[...set].sort().join(' + ')} merged into one template (${id})`);
  return problems;
}
