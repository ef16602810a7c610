// /api/v1/changes: the change timeline and one change with its verdicts and assessment. The
// risk gate (POST /api/v1/changes/assess) lives in gate/.
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { CHANGE_KIND_VALUES } from '#contracts/enums';
import type { Clock } from '#core';
import { CLOCK, RequireScope } from '#platform';
import { TABLES } from '#storage';
import { badRequest } from '../http/api-error.js';
import { ReadCache, readKey } from '../http/read-cache.js';
import {
  EARLIEST_INSTANT,
  inInstantRange,
  parseCursor,
  parseEnumList,
  parseLimit,
  parseName,
  parseRange,
  type PageOf,
  type Query as QueryParams,
} from '../http/query.js';
import {
  ChangesService,
  type ChangeDetailView,
  type ChangeListItem,
  type ChangesCursor,
} from './changes.service.js';
import { Documented } from '../openapi/documented.js';

const DAY = 86_400_000;
/** What the list is read from. */
const CHANGE_TABLES = [TABLES.changes, TABLES.verdicts, TABLES.assessments];

@Controller('api/v1/changes')
@RequireScope('read')
export class ChangesController {
  constructor(
    private readonly service: ChangesService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ReadCache,
  ) {}

  @Documented({
    summary: 'changes started in the range, newest first, with their latest verdict and risk assessment',
    query: ['from', 'to', 'service', 'environment', 'kind', 'limit', 'cursor'],
    response: 'ChangePage',
    description: 'Without from and to, every recorded change. `service` may list several, comma-separated.',
  })
  @Get()
  list(@Query() query: QueryParams): Promise<PageOf<ChangeListItem>> {
    // Without a range, the whole record (a timeline pages through it newest first).
    const now = this.clock.now();
    const range = parseRange(query, now, now + DAY - EARLIEST_INSTANT, DAY);
    const service = parseName(query, 'service');
    const changes = () =>
      this.service.list(
        {
          from: range.from,
          to: range.to,
          services: service
            ? service
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : undefined,
          environment: parseName(query, 'environment'),
          kinds: parseEnumList(query, 'kind', CHANGE_KIND_VALUES),
        },
        parseLimit(query),
        changesCursor(query),
      );
    return this.reads.read(readKey('changes', query), { tables: CHANGE_TABLES }, changes);
  }

  @Documented({
    summary: 'one change with every verification look and its risk assessment',
    response: 'ChangeDetail',
    notFound: true,
  })
  @Get(':id')
  detail(@Param('id') id: string): Promise<ChangeDetailView> {
    return this.service.detail(id);
  }
}

function changesCursor(query: QueryParams): ChangesCursor | undefined {
  const position = parseCursor(query, 'changes');
  if (position === undefined) return undefined;
  if (
    typeof position.t !== 'number' ||
    !Number.isSafeInteger(position.t) ||
    !inInstantRange(position.t) ||
    typeof position.i !== 'string' ||
    position.i.length > 512
  ) {
    throw badRequest('cursor', 'is not a cursor this API gave out');
  }
  return { startedAt: position.t, id: position.i };
}
