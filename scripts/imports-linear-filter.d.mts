/** The generated module's text with its toJson_ records built by assigning defined values, and its other quadratic undefined filters replaced by calls of the shared helper, which it imports when it calls it. */
export function linearFilters(text: string): string;
/** Applies linearFilters to every module of a folder of generated imports and writes the helper's module there. */
export function rewriteImports(folder: string): void;
export const HELPER_NAME: string;
/** The helper's module file name, in the imports folder. */
export const HELPER_FILE: string;
/** The helper's module text. */
export const HELPER_MODULE: string;
