/**
 * Where a person downloads or erases their data (GDPR art. 15–17), linked from the privacy notice.
 * The page is the lead's part of issue 21: set `RIGHTS_PAGE_LIVE` to true when `/me/data` is served
 * (until then the notice names the DPO's address only, so that no page links to a missing one).
 */
export const RIGHTS_PAGE_PATH = '/me/data';
export const RIGHTS_PAGE_LIVE = false;
