import type { Locale } from '../../common/i18n/localized.js';
import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { IsLocale } from '../../common/i18n/is-locale.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * A draft's fields: everything optional (a draft keeps partial data); limits only stop abuse.
 * Completeness and eligibility are checked on submit.
 */
export class ApplicationDraftDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(200, { message: 'title must be at most 200 characters' }) title?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(3000, { message: 'summary must be at most 3000 characters' }) summary?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(60) category?: string;
  @ApiPropertyOptional({ description: 'Funding goal in cents' })
  @IsOptional()
  @IsInt({ message: 'goalCents must be a whole number of cents' })
  @Min(0)
  @Max(1_000_000_000)
  goalCents?: number;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(120) commune?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(10) postcode?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(120) applicantName?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(200) organisation?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(254) email?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(40) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() consent?: boolean;
  @ApiPropertyOptional({ description: 'Answers to the custom questions, by question key' }) @IsOptional() @IsObject() answers?: Record<string, unknown>;
}

export class DecisionDto {
  @ApiProperty({ enum: ['eligible', 'ineligible'] }) @IsIn(['eligible', 'ineligible'], { message: 'decision must be eligible or ineligible' }) decision:
    'eligible' | 'ineligible';
  @ApiProperty() @Transform(trim) @IsString() @Length(3, 2000, { message: 'reason must be 3 to 2000 characters' }) reason: string;
}

export class CommentDto {
  @ApiProperty() @Transform(trim) @IsString() @Length(1, 5000, { message: 'body must be 1 to 5000 characters' }) body: string;
}

export class CorrectionDto {
  @ApiProperty() @Transform(trim) @IsString() @Length(3, 2000, { message: 'message must be 3 to 2000 characters' }) message: string;
  @ApiProperty({ example: '2026-06-15T18:00:00+02:00' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'until must be an ISO 8601 date-time' })
  until: string;
}

export class StartApplicationDto {
  @ApiPropertyOptional({ example: 'fr', description: 'One of the authority’s languages' }) @IsOptional() @IsLocale() locale?: Locale;
}
