/**
 * One tag per module (the folder under src/ that holds the controller), in the order a programme
 * runs. A module with API routes and no line here makes the OpenAPI test fail: add its sentence.
 */
export const TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'auth', description: 'Signing in: e-mailed sign-in links, passwords, opaque API tokens (`tpl_…`), sessions, invitations.' },
  { name: 'people', description: 'The people of the authority and their roles (staff, jurors, coaches, partners, applicants).' },
  { name: 'tenants', description: 'The local authority serving this host: its name, languages, branding and audit log.' },
  { name: 'platform', description: 'The installation: platform admins create, change and suspend authorities (tokens `tpp_…`).' },
  {
    name: 'programmes',
    description:
      'A programme (call for projects) and its phases: draft, call open, screening, jury, announced, coaching, communication, campaign, settlement, results.',
  },
  {
    name: 'applications',
    description: 'The call and its applications: applicants answer the questions and submit; staff screen, comment and ask for corrections.',
  },
  { name: 'jury', description: 'The jury: jurors, conflicts of interest, the vote (scores, ranking, favourites, pairs), results, laureates and waiting list.' },
  { name: 'coaching', description: 'Coaching of the laureates: the plan, each laureate’s milestones, hand-ins, coaches’ reviews, calendar feeds.' },
  { name: 'partners', description: 'Partners (companies, foundations) and their matching with laureates.' },
  { name: 'campaigns', description: 'Crowdfunding campaigns of the laureates, contributions, match funding, payments and their webhooks.' },
  { name: 'reports', description: 'The published results report of a programme, in versions.' },
  { name: 'privacy', description: 'Personal data rights: export, erasure requests and their staff queue, retention.' },
  { name: 'health', description: 'Liveness and readiness for load balancers and orchestrators.' },
];
