import { fieldProblem, type FieldProblem } from '../../common/errors/domain-error.js';

/** WCAG 2.1 relative luminance of an sRGB colour "#rrggbb". */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Brand colours are drawn as backgrounds behind white text and as link colours on white, so each
 * must reach the AA contrast of 4.5:1 against white. Checked here so that no authority can make its
 * own pages fail accessibility.
 */
export function checkBrandColours(colours: { primaryColor?: string; accentColor?: string }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, value] of Object.entries(colours)) {
    if (value === undefined) continue;
    const ratio = contrastRatio(value, '#ffffff');
    if (ratio < 4.5) {
      problems.push(fieldProblem(field, 'validation.contrast', { ratio: Math.floor(ratio * 100) / 100, min: 4.5 }));
    }
  }
  return problems;
}
