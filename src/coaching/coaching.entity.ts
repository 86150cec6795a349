import type { Localized } from '../common/i18n/localized.js';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Application } from '../applications/application.entity.js';
import { User } from '../auth/user.entity.js';
import { Programme } from '../programmes/programme.entity.js';
import type { Evidence, EvidenceKind, MilestoneKind, SessionLocation } from './domain/milestones.js';
import type { StoredMilestoneStatus } from './domain/milestone-status.js';
import type { Attendance, SessionSnapshot } from './domain/attendance.js';

/** A milestone of the plan as stored (dates as ISO strings in JSON). */
export interface StoredMilestone {
  id: string;
  kind: MilestoneKind;
  title: Localized;
  required: boolean;
  date: { kind: 'absolute'; at: string } | { kind: 'relative'; days: number; time?: string };
  location?: SessionLocation;
  durationMinutes?: number;
  evidence?: EvidenceKind;
  description?: Localized;
}

/**
 * A programme's coaching plan: the milestones every laureate gets, and the staff decision to let the
 * campaign start although some laureates are not ready (with its reason, also in the audit log).
 */
@Entity('coaching_plan')
@Index('coaching_plan_programme_key', ['tenantId', 'programmeId'], { unique: true })
@Check('coaching_plan_override', `(readiness_overridden_at IS NULL) = (readiness_override_reason IS NULL)`)
export class CoachingPlan {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'coaching_plan_programme_fk' })
  private programmeRef?: Programme;
  @Column('jsonb', { default: [] }) milestones: StoredMilestone[];
  /** When the coaching started (the programme entered `coaching`); relative dates count from it. */
  @Column('timestamptz', { nullable: true }) startedAt: Date | null;
  @Column('timestamptz', { nullable: true }) readinessOverriddenAt: Date | null;
  @Column('text', { nullable: true }) readinessOverrideReason: string | null;
  @Column('uuid', { nullable: true }) readinessOverriddenBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** A laureate in coaching: their coach, their reminder choice and their calendar feed's secret (hash only). */
@Entity('coaching_laureate')
@Index('coaching_laureate_application_key', ['applicationId'], { unique: true })
@Index('coaching_laureate_tenant_programme_idx', ['tenantId', 'programmeId'])
@Index('coaching_laureate_tenant_user_idx', ['tenantId', 'userId'])
@Index('coaching_laureate_tenant_coach_idx', ['tenantId', 'coachUserId'])
@Index('coaching_laureate_feed_key', ['feedTokenHash'], { unique: true, where: 'feed_token_hash IS NOT NULL' })
export class CoachingLaureate {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'coaching_laureate_programme_fk' })
  private programmeRef?: Programme;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'coaching_laureate_application_fk' })
  private applicationRef?: Application;
  /** The laureate person (the application's applicant). */
  @Column('uuid') userId: string;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'coaching_laureate_user_fk' })
  private userRef?: User;
  @Column('uuid', { nullable: true }) coachUserId: string | null;
  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'coach_user_id', foreignKeyConstraintName: 'coaching_laureate_coach_fk' })
  private coachRef?: User;
  @Column('boolean', { default: false }) remindersMuted: boolean;
  @Column('text', { nullable: true }) feedTokenHash: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** One milestone of one laureate's schedule: its instant, where the laureate stands and the coach's feedback. */
@Entity('coaching_milestone')
@Index('coaching_milestone_laureate_key', ['laureateId', 'milestoneKey'], { unique: true })
@Index('coaching_milestone_tenant_programme_idx', ['tenantId', 'programmeId', 'status'])
@Check('coaching_milestone_kind', `kind IN ('session', 'deliverable')`)
@Check('coaching_milestone_status', `status IN ('pending', 'submitted', 'changes_requested', 'validated')`)
@Check('coaching_milestone_evidence', `(kind = 'deliverable') = (evidence_kind IS NOT NULL)`)
@Check('coaching_milestone_version', 'version >= 1')
@Check('coaching_milestone_attendance', `attendance IS NULL OR (kind = 'session' AND attendance IN ('present', 'absent', 'excused'))`)
export class CoachingMilestone {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @Column('uuid') laureateId: string;
  @ManyToOne(() => CoachingLaureate, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'laureate_id', foreignKeyConstraintName: 'coaching_milestone_laureate_fk' })
  private laureateRef?: CoachingLaureate;
  /** The plan milestone's id. */
  @Column('text') milestoneKey: string;
  @Column('text') kind: MilestoneKind;
  @Column('jsonb') title: Localized;
  @Column('jsonb', { default: {} }) description: Localized;
  @Column('boolean') required: boolean;
  /** The session's start or the deliverable's due instant. */
  @Column('timestamptz') at: Date;
  @Column('int', { nullable: true }) durationMinutes: number | null;
  @Column('jsonb', { nullable: true }) location: SessionLocation | null;
  @Column('text', { nullable: true }) evidenceKind: EvidenceKind | null;
  @Column('text', { default: 'pending' }) status: StoredMilestoneStatus;
  @Column('jsonb', { nullable: true }) evidence: Evidence | null;
  @Column('timestamptz', { nullable: true }) submittedAt: Date | null;
  @Column('text', { default: '' }) feedback: string;
  @Column('timestamptz', { nullable: true }) reviewedAt: Date | null;
  @Column('uuid', { nullable: true }) reviewedBy: string | null;
  @Column('int', { default: 1 }) version: number;
  /** A session's attendance, recorded by the coach (or staff) once it took place. */
  @Column('text', { nullable: true }) attendance: Attendance | null;
  @Column('timestamptz', { nullable: true }) attendanceRecordedAt: Date | null;
  @Column('uuid', { nullable: true }) attendanceRecordedBy: string | null;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/**
 * One session of a programme's plan (every laureate attends it) as invited: the invitation's sequence,
 * which grows with each change so calendars replace the event (same UID), what was last sent, and
 * whether it was cancelled (removed from the plan).
 */
@Entity('coaching_session')
@Index('coaching_session_key', ['tenantId', 'programmeId', 'milestoneKey'], { unique: true })
@Check('coaching_session_sequence', 'sequence >= 0')
export class CoachingSession {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'coaching_session_programme_fk' })
  private programmeRef?: Programme;
  /** The plan milestone's id. */
  @Column('text') milestoneKey: string;
  @Column('int', { default: 0 }) sequence: number;
  /** The event as last invited; null before the first invitation. */
  @Column('jsonb', { nullable: true }) snapshot: SessionSnapshot | null;
  @Column('timestamptz', { nullable: true }) cancelledAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
