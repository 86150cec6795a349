import { IsLocalized, localizedSchema } from '../../common/i18n/is-localized.js';
import type { Locale, Localized } from '../../common/i18n/localized.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsLocale } from '../../common/i18n/is-locale.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const MAX_CENTS = 100_000_000_00; // 100 million euros: far above any campaign, far below bigint trouble

export class FaqEntryDto {
  @ApiProperty(localizedSchema('The question (300 characters at most)')) @IsLocalized({ required: true, maxLength: 300 }) question: Localized;
  @ApiProperty(localizedSchema('The answer (3000 characters at most)')) @IsLocalized({ required: true, maxLength: 3000 }) answer: Localized;
}

export class RewardTierDto {
  @ApiPropertyOptional({ description: 'Keep to edit an existing tier; omit to add one' }) @IsOptional() @IsUUID() id?: string;
  @ApiProperty(localizedSchema('The reward (140 characters at most)')) @IsLocalized({ required: true, maxLength: 140 }) title: Localized;
  @ApiPropertyOptional(localizedSchema('What the contributor gets (2000 characters at most)'))
  @IsOptional()
  @IsLocalized({ maxLength: 2000 })
  description?: Localized;
  @ApiProperty({ minimum: 100 }) @IsInt() @Min(100) @Max(MAX_CENTS) minAmountCents: number;
  @ApiPropertyOptional({ nullable: true, description: 'Limited quantity; null or omitted for unlimited' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  quantity?: number | null;
  @ApiPropertyOptional({ description: 'YYYY-MM' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null && v !== '')
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'validation.monthFormat' })
  estimatedDelivery?: string | null;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() matchEligible?: boolean;
}

/** A laureate's edit of their campaign page; omitted fields are left as they are. */
export class UpdateCampaignDto {
  @ApiPropertyOptional(localizedSchema('The page title (140 characters at most)'))
  @IsOptional()
  @IsLocalized({ required: true, maxLength: 140 })
  title?: Localized;
  @ApiPropertyOptional(localizedSchema('One or two sentences (300 characters at most)')) @IsOptional() @IsLocalized({ maxLength: 300 }) summary?: Localized;
  @ApiPropertyOptional(localizedSchema('HTML (sanitised to an allow-list) or plain text (paragraphs), 30,000 characters at most', { fr: '<p>…</p>' }))
  @IsOptional()
  @IsLocalized({ maxLength: 30_000 })
  story?: Localized;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(10_000) @Max(MAX_CENTS) goalCents?: number;
  @ApiPropertyOptional(localizedSchema("The image's text alternative (300 characters at most)"))
  @IsOptional()
  @IsLocalized({ maxLength: 300 })
  imageAlt?: Localized;
  @ApiPropertyOptional({ type: [FaqEntryDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => FaqEntryDto)
  faq?: FaqEntryDto[];
  @ApiPropertyOptional({ type: [RewardTierDto], description: 'The full list of tiers, in order (replaces the current list)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RewardTierDto)
  rewards?: RewardTierDto[];
}

export class CampaignReviewDto {
  @ApiProperty({ enum: ['approve', 'request_changes'] }) @IsIn(['approve', 'request_changes']) decision: 'approve' | 'request_changes';
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(5000) comment?: string;
}

export class ContributeDto {
  @ApiProperty({ minimum: 100, description: 'Amount in cents (at least 100, and at least the reward minimum)' })
  @IsInt()
  @Min(100)
  @Max(MAX_CENTS)
  amountCents: number;
  @ApiPropertyOptional() @IsOptional() @ValidateIf((_, v) => v !== null && v !== '') @IsUUID() rewardTierId?: string | null;
  @ApiProperty() @Transform(trim) @IsEmail({}) @MaxLength(254) email: string;
  @ApiPropertyOptional({ description: 'Name shown on the page unless anonymous' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(80)
  displayName?: string;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() anonymous?: boolean;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(1000) message?: string;
  @ApiPropertyOptional({ example: 'fr', description: 'One of the authority’s languages' }) @IsOptional() @IsLocale() locale?: Locale;
  @ApiPropertyOptional({ default: false, description: "Agrees to receive this project's news (its updates) by e-mail" })
  @IsOptional()
  @IsBoolean()
  consentCampaignNews?: boolean;
}

export class SubscribeDto {
  @ApiProperty() @Transform(trim) @IsEmail({}) @MaxLength(254) email: string;
  @ApiPropertyOptional({ example: 'fr', description: 'One of the authority’s languages' }) @IsOptional() @IsLocale() locale?: Locale;
}

/** News to contributors: each contributor reads it in their language, else in the authority's default. */
export class CampaignUpdateDto {
  @ApiProperty(localizedSchema('The headline (140 characters at most)')) @IsLocalized({ required: true, maxLength: 140 }) title: Localized;
  @ApiProperty(localizedSchema('Plain text (10,000 characters at most)')) @IsLocalized({ required: true, maxLength: 10_000 }) body: Localized;
}

export class CampaignSettingsDto {
  @ApiPropertyOptional({ enum: ['pledge', 'webhook', 'stripe'] }) @IsOptional() @IsIn(['pledge', 'webhook', 'stripe']) paymentProvider?:
    'pledge' | 'webhook' | 'stripe';
  @ApiPropertyOptional({ enum: ['all_or_nothing', 'keep_it_all'] }) @IsOptional() @IsIn(['all_or_nothing', 'keep_it_all']) settlementPolicy?:
    'all_or_nothing' | 'keep_it_all';
  @ApiPropertyOptional() @IsOptional() @IsBoolean() matchCountsTowardGoal?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(24 * 60) pendingGraceHours?: number;
  @ApiPropertyOptional({ description: 'Matched cents per 100 citizen cents (100 = one euro per euro)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  matchFactorPercent?: number;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(MAX_CENTS) matchCapPerContributionCents?:
    number | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(MAX_CENTS) matchCapPerCampaignCents?:
    number | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(1000) matchMaxPerContributor?: number | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() matchOnlyListedRewards?: boolean;
}

export class MatchBudgetDto {
  @ApiProperty() @IsUUID() partnerId: string;
  @ApiProperty({ enum: ['ratio', 'grant'] }) @IsIn(['ratio', 'grant']) kind: 'ratio' | 'grant';
  @ApiPropertyOptional({ enum: ['all', 'matched_laureates'], default: 'all' }) @IsOptional() @IsIn(['all', 'matched_laureates']) scope?:
    'all' | 'matched_laureates';
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_CENTS) totalCents: number;
  @ApiPropertyOptional() @ValidateIf((o: MatchBudgetDto) => o.kind === 'grant') @IsInt() @Min(1) @Max(MAX_CENTS) grantCents?: number;
  @ApiPropertyOptional() @ValidateIf((o: MatchBudgetDto) => o.kind === 'grant') @IsInt() @Min(0) @Max(1000) grantThresholdPercent?: number;
  @ApiPropertyOptional() @ValidateIf((o: MatchBudgetDto) => o.kind === 'grant') @IsInt() @Min(0) @Max(1_000_000) grantMinContributors?: number;
}
