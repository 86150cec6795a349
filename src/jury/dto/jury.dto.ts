import type { Locale, Localized } from '../../common/i18n/localized.js';
import { IsLocalized } from '../../common/i18n/is-localized.js';
import { localizedDoc } from '../../common/i18n/localized-doc.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
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
import { IsLocale } from '../../common/i18n/is-locale.js';
import { QUOTA_DIMENSIONS, TIE_BREAK_KEYS } from '../jury.settings.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const METHODS = ['scored_criteria', 'favourites', 'borda', 'pairwise'] as const;

export class InviteMemberDto {
  @ApiProperty() @Transform(trim) @IsEmail({}) @MaxLength(254) email: string;
  @ApiProperty() @Transform(trim) @IsString() @Length(1, 120) displayName: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(200) organisation?: string;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @IsNumber() @Min(0.001) @Max(1000) weight?: number;
  @ApiPropertyOptional({ type: String, example: 'fr', description: 'One of the authority’s languages' }) @IsOptional() @IsLocale() locale?: Locale;
}

export class UpdateMemberDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(200) organisation?: string;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0.001) @Max(1000) weight?: number;
}

export class CriterionDto {
  @ApiProperty() @Matches(/^[a-z][a-z0-9_]{0,40}$/, { message: 'validation.keyFormatLetter' }) id: string;
  @ApiProperty(localizedDoc('Impact sur le territoire', 'Impact on the territory'))
  @IsLocalized({ required: true, maxLength: 200 })
  label: Localized;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @IsNumber() @Min(0.001) @Max(1000) weight?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsNumber() @Min(-1000) @Max(1000) min?: number;
  @ApiPropertyOptional({ default: 5 }) @IsOptional() @IsNumber() @Min(-1000) @Max(1000) max?: number;
}

export class QuotaDto {
  @ApiProperty({ enum: QUOTA_DIMENSIONS }) @IsIn(QUOTA_DIMENSIONS) dimension: (typeof QUOTA_DIMENSIONS)[number];
  @ApiProperty() @IsString() @Length(1, 120) group: string;
  @ApiProperty() @IsInt() @Min(0) @Max(1000) min: number;
}

export class TieBreakerDto {
  @ApiProperty({ enum: TIE_BREAK_KEYS }) @IsIn(TIE_BREAK_KEYS) key: (typeof TIE_BREAK_KEYS)[number];
  @ApiProperty({ enum: ['higher', 'lower'] }) @IsIn(['higher', 'lower']) prefer: 'higher' | 'lower';
}

/** The method and its options; omitted options keep their defaults (favourites: 10 picks, top 10). */
export class JurySettingsDto {
  @ApiProperty({ enum: METHODS }) @IsIn(METHODS) method: (typeof METHODS)[number];
  @ApiPropertyOptional({ type: [CriterionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CriterionDto)
  criteria?: CriterionDto[];
  @ApiPropertyOptional({ enum: ['none', 'z_score'] }) @IsOptional() @IsIn(['none', 'z_score']) normalisation?: 'none' | 'z_score';
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(1000) quorum?: number;
  @ApiPropertyOptional({ default: 10 }) @IsOptional() @IsInt() @Min(1) @Max(1000) maxFavourites?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() blindReview?: boolean;
  @ApiPropertyOptional({ description: 'Jurors per application; omit or null for every juror on every application' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  jurorsPerApplication?: number | null;
  @ApiPropertyOptional({ default: 10 }) @IsOptional() @IsInt() @Min(0) @Max(10_000) laureates?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsInt() @Min(0) @Max(10_000) waitingList?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() cutOff?: number | null;
  @ApiPropertyOptional({ type: [QuotaDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => QuotaDto)
  quotas?: QuotaDto[];
  @ApiPropertyOptional({ type: [TieBreakerDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => TieBreakerDto)
  tieBreakers?: TieBreakerDto[];
}

export class ConflictDto {
  @ApiProperty() @IsUUID('all') applicationId: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(1000) reason?: string;
}

export class StaffConflictDto extends ConflictDto {
  @ApiProperty() @IsUUID('all') memberId: string;
}

/** One juror's ballot on one application: `scores` (scored criteria) or `picked` (favourites), and a comment. */
export class BallotDto {
  @ApiPropertyOptional({ description: 'Score per criterion id' }) @IsOptional() @IsObject() scores?: Record<string, number>;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() picked?: boolean;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(5000) comment?: string;
}

export class FavouritesDto {
  @ApiProperty({ description: 'The whole set of favourites (replaces the previous one)' })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  applicationIds: string[];
}

export class RankingDto {
  @ApiProperty({ description: 'Applications best first (replaces the previous ranking)' })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  applicationIds: string[];
}

export class ComparisonDto {
  @ApiProperty() @IsUUID('all') winnerId: string;
  @ApiProperty() @IsUUID('all') loserId: string;
}

export class NoteDto {
  @ApiProperty() @IsString() @MaxLength(10_000) body: string;
}

export class ConfirmDto {
  @ApiPropertyOptional({ description: 'Laureates in order; omit to confirm the proposal' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  laureates?: string[];
  @ApiPropertyOptional({ description: 'Waiting list in order; omit to confirm the proposal' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  waitingList?: string[];
  @ApiPropertyOptional({ description: 'Required when the lists differ from the proposal' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(5000)
  justification?: string;
}

export class WithdrawLaureateDto {
  @ApiProperty({ description: 'Why the laureate leaves (at least 10 characters), kept with the outcome and in the audit log' })
  @Transform(trim)
  @IsString()
  @MaxLength(5000)
  reason: string;
  @ApiPropertyOptional({ description: 'True when the laureate withdrew themselves (staff record it)' })
  @IsOptional()
  @IsBoolean()
  byLaureate?: boolean;
}
