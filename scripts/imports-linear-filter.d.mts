/** The generated module's text with cdk8s import's quadratic undefined filters replaced by a linear helper. */
export function linearFilters(text: string): string;
/** Applies linearFilters to every module of a folder of generated imports. */
export function rewriteImports(folder: string): void;
export const HELPER_NAME: string;
