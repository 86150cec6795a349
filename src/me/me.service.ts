import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { type Phase, phaseIndex } from '../programmes/domain/phase.js';
import type { Programme } from '../programmes/programme.entity.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { LaureatesQuery } from '../jury/laureates.query.js';

/** A link to one of the person's spaces; `label` is a message key. */
export interface SpaceLink {
  href: string;
  label: string;
}

/**
 * "My space": where a signed-in person finds their spaces in each programme (jury portal,
 * applications, schedule, partner page, campaign, desk). A composition over the domain modules: it
 * asks each owner, and owns no table.
 */
@Injectable()
export class MeService {
  constructor(
    private readonly programmes: ProgrammesService,
    private readonly laureates: LaureatesQuery,
  ) {}

  async spaces(tenantId: string, p: Principal): Promise<Array<{ programme: Programme; links: SpaceLink[] }>> {
    const programmes = await this.programmes.list(tenantId);
    // Programmes where this person is a confirmed laureate: their campaign page is one of their spaces.
    const laureateOf = new Set(await this.laureates.programmesOf(null, tenantId, p.userId));
    return programmes
      .map((prog) => {
        const roles = new Set([...p.roles, ...(p.programmeRoles[prog.id] ?? [])]);
        // Jury seats, applications and partnerships are per programme: a tenant-wide role does not make a member.
        const own = new Set(p.programmeRoles[prog.id] ?? []);
        const from = (phase: Phase) => phaseIndex(prog.phase) >= phaseIndex(phase);
        const links: SpaceLink[] = [];
        if (roles.has('staff') || roles.has('platform_admin')) links.push({ href: `/staff/programmes/${prog.id}`, label: 'me.staffDesk' });
        if (own.has('juror') && from('jury')) links.push({ href: `/jury/programmes/${prog.id}`, label: 'me.jury' });
        if (own.has('applicant')) {
          links.push({ href: '/applications', label: 'apply.mine' });
          // Coaching, sponsors and the campaign are a laureate's: an applicant who was not selected has none.
          if (from('coaching') && laureateOf.has(prog.id))
            links.push(
              { href: `/coaching/programmes/${prog.id}`, label: 'me.schedule' },
              { href: `/partners/programmes/${prog.id}/needs`, label: 'me.needs' },
              { href: `/programmes/${prog.id}/campaign`, label: 'me.campaign' },
            );
        }
        if (roles.has('coach') && from('coaching')) links.push({ href: `/coaching/programmes/${prog.id}/coach`, label: 'me.coach' });
        if (own.has('partner') && from('coaching')) links.push({ href: `/partners/programmes/${prog.id}`, label: 'me.partner' });
        return { programme: prog, links };
      })
      .filter((s) => s.links.length && (s.programme.phase !== 'draft' || p.roles.includes('staff')));
  }
}
