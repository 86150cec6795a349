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
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(200) title?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(3000) summary?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(60) category?: string;
  @ApiPropertyOptional({ description: 'Funding goal in cents' })
  @IsOptional()
  @IsInt()
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

/** Submitting: the optional uses the applicant agrees to, each separately (absent: not agreed). */
export class SubmitApplicationDto {
  @ApiPropertyOptional({ description: 'News from the authority by e-mail' }) @IsOptional() @IsBoolean() consentAuthorityNews?: boolean;
  @ApiPropertyOptional({ description: "Being contacted by the call's partners" }) @IsOptional() @IsBoolean() consentPartnerContact?: boolean;
}

export class DecisionDto {
  @ApiProperty({ enum: ['eligible', 'ineligible'] }) @IsIn(['eligible', 'ineligible']) decision: 'eligible' | 'ineligible';
  @ApiProperty() @Transform(trim) @IsString() @Length(3, 2000) reason: string;
}

export class CommentDto {
  @ApiProperty() @Transform(trim) @IsString() @Length(1, 5000) body: string;
}

export class CorrectionDto {
  @ApiProperty() @Transform(trim) @IsString() @Length(3, 2000) message: string;
  @ApiProperty({ example: '2026-06-15T18:00:00+02:00' })
  @IsISO8601({ strict: true, strictSeparator: true })
  until: string;
}

export class StartApplicationDto {
  @ApiPropertyOptional({ example: 'fr', description: 'One of the authority’s languages' }) @IsOptional() @IsLocale() locale?: Locale;
}
