// Grouping (lib/model/grouping.ts): groups keep the items' order and come in the order of their first
// item, which the routes' selections, the flat networks' overlap check, the graph and diff's listing read.
import { describe, expect, it } from 'vitest';
import { groupBy } from '../../lib/model/grouping.ts';

describe('groupBy', () => {
  it('keeps each group in the order of its items and the groups in the order of their first item, asking each key once', () => {
    const asked: number[] = [];
    const groups = groupBy([3, 8, 1, 6, 5, 2], (n) => (asked.push(n), n % 2 ? 'odd' : 'even'));
    expect([...groups]).toStrictEqual([
      ['odd', [3, 1, 5]],
      ['even', [8, 6, 2]],
    ]);
    expect(asked).toStrictEqual([3, 8, 1, 6, 5, 2]);
    expect(groupBy([], () => 'x').size).toBe(0);
  });

  it('groups an environment of many clusters into one list, each in its place', () => {
    const clusters = Array.from({ length: 5000 }, (_, i) => ({ name: `c${i}`, environment: i % 1000 === 0 ? 'staging' : 'prod' }));
    const groups = groupBy(clusters, (c) => c.environment);
    expect(groups.get('prod')).toHaveLength(4995);
    expect(groups.get('staging')!.map((c) => c.name)).toStrictEqual(['c0', 'c1000', 'c2000', 'c3000', 'c4000']);
    expect(groups.get('prod')![0]).toBe(clusters[1]);
  });
});
