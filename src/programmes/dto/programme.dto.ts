import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { IsLocalized } from '../../common/i18n/is-localized.js';
import { localizedDoc } from '../../common/i18n/localized-doc.js';
import type { Localized } from '../../common/i18n/localized.js';
import { PHASES } from '../domain/phase.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateProgrammeDto {
  @ApiProperty({ example: 'makers-2026' })
  @Transform(trim)
  @Matches(/^[a-z0-9][a-z0-9-]{1,80}$/, { message: 'validation.slugFormat', context: { max: 81 } })
  slug: string;
  @ApiProperty(localizedDoc('Makers 2026 : économie circulaire', 'Makers 2026: circular economy'))
  @IsLocalized({ required: true, maxLength: 200 })
  title: Localized;
  @ApiPropertyOptional(localizedDoc('Des projets pour réparer et réemployer.', 'Projects that repair and reuse.'))
  @IsOptional()
  @IsLocalized({ maxLength: 5000 })
  summary?: Localized;
}

export class UpdateProgrammeDto {
  @ApiPropertyOptional(localizedDoc('Makers 2026 : économie circulaire', 'Makers 2026: circular economy'))
  @IsOptional()
  @IsLocalized({ required: true, maxLength: 200 })
  title?: Localized;
  @ApiPropertyOptional(localizedDoc('Des projets pour réparer et réemployer.', 'Projects that repair and reuse.'))
  @IsOptional()
  @IsLocalized({ maxLength: 5000 })
  summary?: Localized;
}

const iso = { strict: true, strictSeparator: true } as const;
const isoMessage = { message: 'validation.isoDateTime' };

/** Each phase's start, ISO 8601 with an offset; omit (or null) to leave a phase to a manual move. */
export class TimelineDto {
  @ApiPropertyOptional() @IsOptional() @IsISO8601(iso, isoMessage) call_open?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsISO8601(iso, isoMessage) screening?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsISO8601(iso, isoMessage) jury?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsISO8601(iso, isoMessage) announced?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsISO8601(iso, isoMessage) coaching?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsISO8601(iso, isoMessage) communication?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsISO8601(iso, isoMessage) campaign?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsISO8601(iso, isoMessage) settlement?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsISO8601(iso, isoMessage) results?: string | null;
}

export class SetTimelineDto {
  @ApiProperty({ type: TimelineDto })
  @IsDefined({ message: 'validation.required' })
  @IsObject({ message: 'validation.timelineFormat' })
  @ValidateNested()
  @Type(() => TimelineDto)
  timeline: TimelineDto;
}

export class TransitionDto {
  @ApiProperty({ enum: PHASES.slice(1) }) @IsIn(PHASES.slice(1)) to: string;
  @ApiProperty({ description: 'Why the phase is moved by hand (kept in the audit log).' })
  @Transform(trim)
  @IsString()
  @Length(3, 1000)
  reason: string;
}
