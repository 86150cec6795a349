import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PHASES } from '../domain/phase.js';

/** Why the next phase cannot start yet: a code, its catalogue key and values (shown in the reader's language). */
export class GuardReasonDto {
  @ApiProperty({ example: 'LAUREATES_NOT_READY' }) code: string;
  @ApiProperty({ example: 'guard.laureatesNotReady' }) key: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { count: 2 } }) values?: Record<string, unknown>;
}

/** A programme (a call for projects) as the API answers it. */
export class ProgrammeViewDto {
  @ApiProperty({ format: 'uuid', example: '0b7f3c2e-5d1a-4b8e-9f00-3c1d2e4f5a6b' }) id: string;
  @ApiProperty({ example: 'makers-2026' }) slug: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { fr: 'Makers 2026', en: 'Makers 2026' } }) title: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { fr: 'Appel à projets', en: 'Call for projects' } })
  summary: Record<string, string>;
  @ApiProperty({ enum: PHASES, example: 'call_open' }) phase: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: '2026-04-01T08:00:00.000Z' }) phaseChangedAt?: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', format: 'date-time' },
    description: 'The instant each phase starts on its own',
    example: { call_open: '2026-04-01T08:00:00.000Z', screening: '2026-05-01T08:00:00.000Z' },
  })
  timeline: Record<string, string>;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: '2026-05-01T08:00:00.000Z' }) nextTransitionAt?: string | null;
  @ApiPropertyOptional({ type: [GuardReasonDto], nullable: true, description: 'Why the next phase is blocked, if it is' })
  blockedReasons?: GuardReasonDto[] | null;
}
