// One formula-safe CSV writer for every export (src/common/web/csv.ts).
export { toCsv } from '../../common/web/csv.js';
