import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { Readiness, type ReadinessReport } from './readiness.js';
import { APP_INFO, READINESS, type AppInfo } from './tokens.js';

/** Liveness and readiness probes, as orchestrators (Kubernetes, Nomad, systemd) expect them. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(READINESS) private readonly readiness: Readiness,
    @Inject(APP_INFO) private readonly app: AppInfo,
  ) {}

  @Get('live')
  live(): { status: 'ok'; app: string; version: string } {
    return { status: 'ok', app: this.app.name, version: this.app.version };
  }

  @Get('ready')
  async ready(): Promise<ReadinessReport & { status: string }> {
    const report = await this.readiness.report();
    if (!report.ready) {
      throw new HttpException({ status: 'not-ready', ...report }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ready', ...report };
  }
}
