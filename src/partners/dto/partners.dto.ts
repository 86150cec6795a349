import { IsLocalized, localizedSchema } from '../../common/i18n/is-localized.js';
import type { Locale, Localized } from '../../common/i18n/localized.js';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
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

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class PartnerDto {
  @ApiProperty() @Transform(trim) @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^https:\/\/\S+$/, { message: 'validation.httpsLink' }) @MaxLength(500) logoUrl?: string | null;
  @ApiPropertyOptional(localizedSchema('What the partner offers (5000 characters at most)'))
  @IsOptional()
  @IsLocalized({ maxLength: 5000 })
  description?: Localized;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  expertise?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  themes?: string[];
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @IsInt() @Min(0) @Max(1000) capacity?: number;
  @ApiPropertyOptional({ description: 'Match-funding budget in cents' }) @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) matchFundingCents?:
    number | null;
}

/** Every field of a partner, each optional: a PATCH changes what it names. */
export class UpdatePartnerDto extends PartialType(PartnerDto) {}

export class ContactDto {
  @ApiProperty() @Transform(trim) @IsEmail({}) @MaxLength(254) email: string;
  @ApiProperty() @Transform(trim) @IsString() @Length(1, 120) displayName: string;
  @ApiPropertyOptional({ type: String, example: 'fr', description: 'One of the authority’s languages' }) @IsOptional() @IsLocale() locale?: Locale;
}

export class NeedsDto {
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) @Length(1, 60, { each: true }) needs: string[];
  @ApiPropertyOptional({ type: [String], description: 'Partner ids, best first' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  preferences?: string[];
}

export class PartnerPreferencesDto {
  @ApiProperty({ type: [String], description: 'Laureate (application) ids, best first' })
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  applicationIds: string[];
}

export class WeightsDto {
  @ApiProperty() @IsNumber() @Min(0) @Max(100) needOverlap: number;
  @ApiProperty() @IsNumber() @Min(0) @Max(100) themeMatch: number;
  @ApiProperty() @IsNumber() @Min(0) @Max(100) laureatePreference: number;
  @ApiProperty() @IsNumber() @Min(0) @Max(100) partnerPreference: number;
}

export class MatchingSettingsDto {
  @ApiPropertyOptional({ type: WeightsDto }) @IsOptional() @IsDefined() @IsObject() @ValidateNested() @Type(() => WeightsDto) weights?: WeightsDto;
  @ApiPropertyOptional({ enum: ['jaccard', 'count'] }) @IsOptional() @IsIn(['jaccard', 'count']) overlap?: 'jaccard' | 'count';
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(10) sponsorsPerLaureate?: number;
}

export class PairRuleDto {
  @ApiProperty() @IsUUID() laureateId: string;
  @ApiProperty() @IsUUID() partnerId: string;
  @ApiProperty({ enum: ['lock', 'forbid', 'none'] }) @IsIn(['lock', 'forbid', 'none']) rule: 'lock' | 'forbid' | 'none';
}
