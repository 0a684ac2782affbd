// Patterns and small schema builders shared by the pieces of the fleet JSON Schema.

export const DNS_LABEL = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
export const DNS_NAME = '^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$';
export const DURATION = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$';
export const QUANTITY = '^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$';
export const LOG_LEVEL = '^(trace|debug|info|warn|error|off|[a-z_][a-z0-9_:]*=(trace|debug|info|warn|error|off))(,(trace|debug|info|warn|error|off|[a-z_][a-z0-9_:]*=(trace|debug|info|warn|error|off)))*$';

export const dnsLabel = (what: string) => ({
  type: 'string',
  pattern: DNS_LABEL,
  'x-fix': `${what} must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters (e.g. "eu-1")`,
});
