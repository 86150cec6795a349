import request from 'supertest';
import type { Role } from '../../src/auth/user.entity.js';
import type { Programme } from '../../src/programmes/programme.entity.js';
import type { TestApp } from '../setup/test-app.js';
import { writeAndApprove } from './campaigns.js';
import { createLaureates } from './coaching.js';
import { createCall, createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from './index.js';
import { createEligibleApplications, inviteJuror } from './jury.js';

export const PERSONA_NAMES = [
  'anonymous',
  'applicant',
  'laureate',
  'juror',
  'coach',
  'partner',
  'staff',
  'programmeStaff',
  'otherProgrammeStaff',
  'otherTenantStaff',
  'platformAdmin',
  'citizen',
] as const;
export type PersonaName = (typeof PERSONA_NAMES)[number];

/**
 * One way of calling the app, with the grants it holds in the tenant under test: `wide` tenant-wide,
 * `onProgramme` for the programme under test only. `signedIn` is false for callers whose credentials
 * this tenant does not recognise (anonymous, and staff of another tenant).
 */
export interface Persona {
  name: PersonaName;
  headers: Record<string, string>;
  signedIn: boolean;
  wide: Role[];
  onProgramme: Role[];
  userId?: string;
}

export interface PersonaWorld {
  city: TestTenant;
  otherCity: TestTenant;
  programme: Programme;
  otherProgramme: Programme;
  /** The laureate's draft campaign in the programme. */
  campaignId: string;
  /** The (non-laureate) applicant's submitted application, and the laureate's. */
  applicationId: string;
  laureateApplicationId: string;
  partnerId: string;
  /** Objects of the other programme of the same tenant, to try through the programme under test's paths. */
  elsewhere: { applicationId: string; memberId: string; partnerId: string; campaignId: string };
  personas: Record<PersonaName, Persona>;
}

/**
 * One authority with one programme (phase `announced`, with its call) and a person for each way of relating to it:
 * an applicant with a submitted application, a laureate with a draft campaign, a juror, a coach and a
 * partner contact of the programme; staff tenant-wide, staff of this programme only, staff of another
 * programme only, a platform admin; a signed-in citizen without any role; and staff of another authority
 * whose token is sent with this authority's Host.
 */
export async function createPersonaWorld(t: TestApp): Promise<PersonaWorld> {
  const city = await createTenant(t);
  const otherCity = await createTenant(t);
  const staff = await createPerson(t, city, 'staff');
  const programme = await createProgramme(t, city, staff, { phase: 'announced' });
  // The call too, so that pages showing an application (its form answers) find what they need.
  await createCall(t, city, staff, programme.id);
  const otherProgramme = await createProgramme(t, city, staff);
  const api = `/api/programmes/${programme.id}`;

  const [applied] = await createEligibleApplications(t, city, programme.id, 1, { prefix: 'persona-app' });
  const applicant = await createPerson(t, city, 'applicant', { programmeId: programme.id, email: applied.email });
  const [laureate] = await createLaureates(t, city, staff, programme.id, 1, { prefix: 'persona-lau' });
  const juror = await inviteJuror(t, city, staff, programme.id, { email: `juror-${programme.id.slice(0, 6)}@example.org` });
  const coach = await createPerson(t, city, 'coach', { programmeId: programme.id });

  const http = () => request(t.app.getHttpServer());
  const partner = await http()
    .post(`${api}/partners`)
    .set(staff.headers)
    .send({ name: 'Université', expertise: ['design'], capacity: 2 });
  if (partner.status !== 201) throw new Error(`partner not created: ${partner.status} ${JSON.stringify(partner.body)}`);
  const contactEmail = `partner-${programme.id.slice(0, 6)}@example.org`;
  const contact = await http().post(`${api}/partners/${partner.body.id}/contacts`).set(staff.headers).send({ email: contactEmail, displayName: 'Paul' });
  if (contact.status !== 201) throw new Error(`partner contact not added: ${contact.status} ${JSON.stringify(contact.body)}`);
  // The contact already holds the partner grant (added above); this only gives them an API token.
  const partnerContact = await createPerson(t, city, 'partner', { programmeId: programme.id, email: contactEmail });

  const campaign = await http().get(`${api}/campaigns/mine`).set(laureate.headers);
  if (campaign.status !== 200) throw new Error(`campaign not created: ${campaign.status} ${JSON.stringify(campaign.body)}`);

  // The other programme gets its own application, juror, partner, and laureate with a campaign in review.
  const otherApi = `/api/programmes/${otherProgramme.id}`;
  const [otherApplication] = await createEligibleApplications(t, city, otherProgramme.id, 1, { prefix: 'persona-else' });
  const otherJuror = await inviteJuror(t, city, staff, otherProgramme.id, { email: `juror-${otherProgramme.id.slice(0, 6)}@example.org` });
  const otherPartner = await http()
    .post(`${otherApi}/partners`)
    .set(staff.headers)
    .send({ name: 'Banque', expertise: ['finance'], capacity: 1 });
  if (otherPartner.status !== 201) throw new Error(`partner not created: ${otherPartner.status} ${JSON.stringify(otherPartner.body)}`);
  const [otherLaureate] = await createLaureates(t, city, staff, otherProgramme.id, 1, { prefix: 'persona-else-lau' });
  // Submitted for review, so that a review through the wrong programme's path would have something to do.
  const otherCampaign = await writeAndApprove(t, staff, otherProgramme.id, otherLaureate, { approve: false });

  const programmeStaff = await createPerson(t, city, 'staff', { programmeId: programme.id });
  const otherProgrammeStaff = await createPerson(t, city, 'staff', { programmeId: otherProgramme.id });
  const platformAdmin = await createPerson(t, city, 'platform_admin');
  const citizen = await createPerson(t, city, null);
  const foreign = await createPerson(t, otherCity, 'staff');

  const p = (name: PersonaName, who: TestPerson | null, grants: { wide?: Role[]; onProgramme?: Role[] } = {}): Persona => ({
    name,
    headers: who ? who.headers : { Host: city.host },
    signedIn: !!who,
    wide: grants.wide ?? [],
    onProgramme: grants.onProgramme ?? [],
    userId: who?.userId,
  });
  const personas: Record<PersonaName, Persona> = {
    anonymous: p('anonymous', null),
    applicant: p('applicant', applicant, { onProgramme: ['applicant'] }),
    laureate: p('laureate', laureate, { onProgramme: ['applicant'] }),
    juror: p('juror', juror, { onProgramme: ['juror'] }),
    coach: p('coach', coach, { onProgramme: ['coach'] }),
    partner: p('partner', partnerContact, { onProgramme: ['partner'] }),
    staff: p('staff', staff, { wide: ['staff'] }),
    programmeStaff: p('programmeStaff', programmeStaff, { onProgramme: ['staff'] }),
    // Their grant is on another programme: for the programme under test they hold nothing.
    otherProgrammeStaff: p('otherProgrammeStaff', otherProgrammeStaff),
    // A valid token, but of another authority: sent with this authority's Host it identifies nobody.
    otherTenantStaff: { ...p('otherTenantStaff', null), headers: { Host: city.host, Authorization: `Bearer ${foreign.token}` } },
    platformAdmin: p('platformAdmin', platformAdmin, { wide: ['platform_admin'] }),
    citizen: p('citizen', citizen),
  };
  return {
    city,
    otherCity,
    programme,
    otherProgramme,
    campaignId: campaign.body.id,
    applicationId: applied.id,
    laureateApplicationId: laureate.applicationId,
    partnerId: partner.body.id,
    elsewhere: { applicationId: otherApplication.id, memberId: otherJuror.memberId, partnerId: otherPartner.body.id, campaignId: otherCampaign.id },
    personas,
  };
}
