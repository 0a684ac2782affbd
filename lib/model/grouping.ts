// Items grouped by a key, for the steps that read a fleet's clusters, links or files by environment,
// network, cluster or folder.

/** The items by key, each group in the items' order and the groups in the order of their first item; each list is pushed to, never copied (linear in the items). */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const list = groups.get(name);
    if (list) list.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}
