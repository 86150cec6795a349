/**
 * CSV for spreadsheets: RFC 4180 quoting, and cells that a spreadsheet would run as a formula
 * (starting with = + - @ or a tab) are prefixed with an apostrophe. Cells are separated by `,`, or by `;` for
 * spreadsheets set to a language that writes decimals with a comma.
 */
export function toCsv(header: string[], rows: string[][], separator: ',' | ';' = ','): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    // A decimal written with a comma ("12,50", the `;` dialect) needs no quotes when cells are split on `;`.
    const needsQuotes = separator === ';' && /^-?\d+,\d+$/.test(safe) ? false : /[",\n\r;]/.test(safe);
    return needsQuotes ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((r) => r.map(cell).join(separator)).join('\r\n') + '\r\n';
}
