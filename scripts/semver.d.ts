// The few functions of `semver` (a dev dependency without bundled types) that check-advisories.ts uses.
declare module 'semver' {
  interface Options {
    includePrerelease?: boolean;
    loose?: boolean;
  }
  const semver: {
    satisfies(version: string, range: string, options?: Options): boolean;
    validRange(range: string, options?: Options): string | null;
    valid(version: string, options?: Options): string | null;
  };
  export default semver;
}
