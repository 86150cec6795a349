/**
 * Where a person downloads or erases their data (GDPR art. 15–17), linked from the privacy notice
 * (`src/privacy/privacy.pages.controller.ts` serves it). False would leave the DPO's address only.
 */
export const RIGHTS_PAGE_PATH = '/me/data';
export const RIGHTS_PAGE_LIVE = true;
