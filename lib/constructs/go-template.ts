// Text read by a Go text/template engine (Helm charts, External Secrets templates with engine v2)
// must not be executed: `{{` starts an action, and `{{ "{{" }}` prints it literally. One helper for
// both engines, applied once per engine that reads the text.

/** `text` as a literal in a Go template: every `{{` becomes an action that prints `{{`. */
export function goTemplateLiteral(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}
