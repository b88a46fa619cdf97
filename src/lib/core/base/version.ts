/** Lathe's version, as in package.json (a unit test keeps them equal); written into exported files. */
export const LATHE_VERSION = '0.1.0';
