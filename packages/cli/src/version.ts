/** This package's version (`tessera --version`, the User-Agent); test/ops/packages.test.ts checks it against package.json. */
export const CLI_VERSION = '0.1.0';
