import { Check, JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';
import type { Localized } from '../common/i18n/localized.js';
import type { Phase } from './domain/phase.js';
import type { GuardReason } from './domain/phase-guards.js';

const PHASE_LIST = `'draft', 'call_open', 'screening', 'jury', 'announced', 'coaching', 'communication', 'campaign', 'settlement', 'results'`;

/** A call for projects and everything that follows it, for one authority. */
@Entity('programme')
@Index('programme_tenant_slug_key', ['tenantId', 'slug'], { unique: true })
@Index('programme_next_transition_idx', ['nextTransitionAt'], { where: 'next_transition_at IS NOT NULL' })
@Check('programme_phase', `phase IN (${PHASE_LIST})`)
@Check('programme_slug_format', `slug ~ '^[a-z0-9][a-z0-9-]{1,80}$'`)
export class Programme {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'programme_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('text') slug: string;
  /** Per language, `{ fr: "…", en: "…" }`; at least one language written. */
  @Column('jsonb', { default: {} }) title: Localized;
  @Column('jsonb', { default: {} }) summary: Localized;
  @Column('text', { default: 'draft' }) phase: Phase;
  @Column('timestamptz', { nullable: true }) phaseChangedAt: Date | null;
  /** Phase start instants, ISO strings keyed by phase. */
  @Column('jsonb', { default: {} }) timeline: Record<string, string>;
  /**
   * The next phase's instant, kept with every change of phase or timeline so that the scheduler finds
   * due programmes with one indexed query instead of reading every timeline.
   */
  @Column('timestamptz', { nullable: true }) nextTransitionAt: Date | null;
  /** Why the last automatic move was refused by a guard (shown to staff), null when none. */
  /** Why the scheduler could not move the programme on: `{ code, key, values }` each, rendered where shown. */
  @Column('jsonb', { nullable: true }) blockedReasons: GuardReason[] | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** One row per phase entered: the unique key makes a second, concurrent move impossible. */
@Entity('phase_transition')
@Index('phase_transition_once_key', ['programmeId', 'toPhase'], { unique: true })
@Index('phase_transition_tenant_programme_idx', ['tenantId', 'programmeId'])
export class PhaseTransition {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'phase_transition_programme_fk' })
  private programmeRef?: Programme;
  @Column('text') fromPhase: Phase;
  @Column('text') toPhase: Phase;
  @Column('timestamptz') at: Date;
  @Column('text') trigger: 'schedule' | 'manual';
  @Column('uuid', { nullable: true }) actorUserId: string | null;
  @Column('text', { nullable: true }) reason: string | null;
}
