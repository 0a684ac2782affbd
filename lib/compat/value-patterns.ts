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

// Values written into upstream chart templates (often unquoted): each pattern admits only what the
// Kubernetes field accepts, so no value can add YAML structure or template syntax.
/** Kubernetes qualified name with optional DNS prefix: annotation and label keys, loadBalancerClass. */
export const QUALIFIED_NAME = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
/** An annotation value: any text but control characters (tab and newline aside) and template syntax. */
export const ANNOTATION_VALUE = '^((?!\\{\\{|\\}\\})[^\\x00-\\x08\\x0b-\\x1f\\x7f])*$';
/** An HTTP path as a probe reads it. */
export const URL_PATH = '^/[-A-Za-z0-9._~/%]*$';
/** An IPv4 or IPv6 CIDR (checked again by parsing where it matters). */
export const CIDR = '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)/[0-9]{1,3}$';
/** One cron field: *, numbers, ranges, steps and lists, or names (month and weekday). */
const cronField = (n: string) => `(\\*|${n}(-${n})?)(/[0-9]{1,2})?(,(\\*|${n}(-${n})?)(/[0-9]{1,2})?)*`;
const MONTHS = '(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const DAYS = '(SUN|MON|TUE|WED|THU|FRI|SAT|sun|mon|tue|wed|thu|fri|sat)';
/** A five-field cron schedule with valid ranges (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7), or a macro. */
export const CRON = `^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|${cronField('([0-5]?[0-9])')} +${cronField('(1?[0-9]|2[0-3])')} +${cronField('([1-9]|[12][0-9]|3[01])')} +${cronField(`([1-9]|1[0-2]|${MONTHS})`)} +${cronField(`([0-7]|${DAYS})`)})$`;
/** An image repository reference without tag: registry/path components as OCI allows. */
export const IMAGE_NAME = '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$';
/** An image tag (OCI: up to 128 characters). */
export const IMAGE_TAG = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';
/** An image reference with optional tag or digest. */
export const IMAGE_REF = '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$';
