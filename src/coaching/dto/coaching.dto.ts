import { IsLocalized, localizedSchema } from '../../common/i18n/is-localized.js';
import type { Localized } from '../../common/i18n/localized.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * A milestone of the plan, flat: `at` (an instant) or `days` (+ optional `time`, 'HH:mm' local) after
 * the start of the coaching; a session has a `place` or a `videoUrl`; a deliverable an `evidence` kind.
 */
export class MilestoneDto {
  @ApiPropertyOptional({ description: 'Stable id; keep it when editing the plan (generated when omitted)' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,40}$/, { message: 'validation.keyFormat' })
  id?: string;
  @ApiProperty({ enum: ['session', 'deliverable'] }) @IsIn(['session', 'deliverable']) kind: 'session' | 'deliverable';
  @ApiProperty(localizedSchema('The milestone (200 characters at most)')) @IsLocalized({ required: true, maxLength: 200 }) title: Localized;
  @ApiPropertyOptional(localizedSchema('What to do or bring (2000 characters at most)'))
  @IsOptional()
  @IsLocalized({ maxLength: 2000 })
  description?: Localized;
  @ApiPropertyOptional({ default: true, description: 'Required before the campaign may open' }) @IsOptional() @IsBoolean() required?: boolean;
  @ApiPropertyOptional({ description: 'Absolute date and time (ISO 8601 with offset)' }) @IsOptional() @IsISO8601({ strict: true }) at?: string;
  @ApiPropertyOptional({ description: 'Days after the start of the coaching' }) @IsOptional() @IsInt() @Min(-365) @Max(730) days?: number;
  @ApiPropertyOptional({ description: "'HH:mm' local time, with days" })
  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'validation.timeFormat' })
  time?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(300) place?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^https:\/\/\S+$/, { message: 'validation.httpsLink' }) @MaxLength(500) videoUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(5) @Max(24 * 60) durationMinutes?: number;
  @ApiPropertyOptional({ enum: ['text', 'url', 'file'] }) @IsOptional() @IsIn(['text', 'url', 'file']) evidence?: 'text' | 'url' | 'file';
}

export class PlanDto {
  @ApiProperty({ type: [MilestoneDto] }) @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => MilestoneDto) milestones: MilestoneDto[];
}

export class AssignCoachDto {
  @ApiProperty({ nullable: true }) @IsOptional() @IsUUID() coachUserId: string | null;
}

export class SubmissionDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 10_000) text?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: 'validation.httpLink' }) @MaxLength(1000) url?: string;
}

export class ReviewDto {
  @ApiProperty({ enum: ['validate', 'request_changes'] }) @IsIn(['validate', 'request_changes']) action: 'validate' | 'request_changes';
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(5000) comment?: string;
}

export class MuteDto {
  @ApiProperty() @IsBoolean() muted: boolean;
}

export class OverrideDto {
  @ApiProperty({ minLength: 10 }) @Transform(trim) @IsString() @MaxLength(2000) reason: string;
}
