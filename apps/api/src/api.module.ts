import { Module } from '@nestjs/common';

/**
 * The api app. REST API, OpenAPI document, web UI and the change-risk gate over ClickHouse.
 */
@Module({})
export class ApiModule {}
