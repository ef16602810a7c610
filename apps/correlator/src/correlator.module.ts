import { Module } from '@nestjs/common';

/**
 * The correlator app. Post-deployment verification, anomaly detection, change attribution and the incident lifecycle.
 */
@Module({})
export class CorrelatorModule {}
