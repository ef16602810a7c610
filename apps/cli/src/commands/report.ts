// `aftershock report`: the service-management scorecard as a Markdown or HTML report, from a
// running Aftershock's API (the one that holds the records), for a wiki page, a pull request
// or a mail. The report is computed by the server (GET /api/v1/scorecard?format=…), so it is
// the same the web UI shows.
//   exit 0 written · 1 the server refused or failed · 2 bad command line
import { writeFileSync } from 'node:fs';
import { defineCommand } from '../command.js';

const USAGE =
  'aftershock report [--url URL] [--token TOKEN] [--from ISO|MS] [--to ISO|MS] [--service NAME] [--team NAME]\n' +
  '                  [--format markdown|html] [--out FILE]\n' +
  '  --url     the api (default $AFTERSHOCK_URL, else http://127.0.0.1:8080)\n' +
  '  --token   a token with the read scope (default $AFTERSHOCK_TOKEN)\n' +
  '  --from, --to  the period (default: the last 28 days)\n' +
  '  --service, --team  one service or one team only\n' +
  '  --format  markdown (default) or html\n' +
  '  --out     write the report there (default: standard output)\n' +
  '  exit codes: 0 written, 1 the server refused or failed, 2 bad command line';

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'the service-management scorecard as a Markdown or HTML report, from a running Aftershock',
  usage: USAGE,
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    service: { type: 'string' },
    team: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  },
  maxPositionals: 0,
  async run(args) {
    const o = args.options;
    const format = o.format ?? 'markdown';
    if (format !== 'markdown' && format !== 'html') {
      process.stderr.write(
        `aftershock report: --format must be markdown or html, not "${format}"\n\nusage: ${USAGE}\n`,
      );
      return 2;
    }
    const base = (o.url ?? process.env.AFTERSHOCK_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    const query = new URLSearchParams({ format });
    for (const key of ['from', 'to', 'service', 'team'] as const) if (o[key]) query.set(key, o[key]);
    const token = o.token ?? process.env.AFTERSHOCK_TOKEN;
    let answer: Response;
    try {
      answer = await fetch(`${base}/api/v1/scorecard?${query}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    } catch (error) {
      process.stderr.write(`aftershock report: cannot reach ${base}: ${(error as Error).message}\n`);
      return 1;
    }
    const text = await answer.text();
    if (!answer.ok) {
      process.stderr.write(`aftershock report: ${base} answered ${answer.status}: ${text.slice(0, 500)}\n`);
      return 1;
    }
    if (o.out) writeFileSync(o.out, text);
    else process.stdout.write(text);
    return 0;
  },
});
