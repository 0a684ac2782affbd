// One YAML style for every file meshfleet writes, so output is byte-stable and diff-friendly.
import { stringify } from 'yaml';

export function toYaml(value: unknown): string {
  // lineWidth 0: never fold long strings (a fold would move `{{` across lines and change diffs).
  return stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
