import { type World } from './types';
import { generateWorld } from './world';

/** Medium scale is generated once for the whole file. */
describe('follow graph (medium)', () => {
  let world: World;
  let counts: number[];
  beforeAll(() => {
    world = generateWorld({ seed: 11, scale: 'medium' });
    counts = [...world.users.keys()]
      .filter((id) => world.postsByAuthor(id).length > 0)
      .map((id) => world.followerCount(id))
      .sort((a, b) => b - a);
  });

  it('has heavy-tailed follower counts: the top 1% of authors hold a large share of follows', () => {
    const total = counts.reduce((a, b) => a + b, 0);
    const share = (fraction: number) =>
      counts.slice(0, Math.round(fraction * counts.length)).reduce((a, b) => a + b, 0) / total;
    expect(share(0.01)).toBeGreaterThan(0.1);
    expect(share(0.1)).toBeGreaterThan(0.35);
    expect(counts[0]).toBeGreaterThan(2_000);
    expect(counts[Math.floor(counts.length / 2)]).toBeLessThan(counts[0]! / 20);
  });

  it('gives users a spread of follow counts, including some who follow nobody', () => {
    const sizes = [...world.users.keys()].map((id) => world.following(id).size).sort((a, b) => a - b);
    const zero = sizes.filter((s) => s === 0).length / sizes.length;
    expect(zero).toBeGreaterThan(0.01);
    expect(zero).toBeLessThan(0.06);
    const median = sizes[Math.floor(sizes.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(15);
    expect(median).toBeLessThanOrEqual(45);
    expect(sizes[sizes.length - 1]).toBeGreaterThan(4 * median);
  });

  it('makes users follow authors who share their interests more than chance', () => {
    let same = 0;
    let edges = 0;
    let n = 0;
    for (const u of world.users.values()) {
      if (n++ >= 500) {
        break;
      }
      const top = u.interests.indexOf(Math.max(...u.interests));
      for (const a of world.following(u.id)) {
        const au = world.users.get(a)!;
        same += au.interests.indexOf(Math.max(...au.interests)) === top ? 1 : 0;
        edges++;
      }
    }
    expect(same / edges).toBeGreaterThan(2 / world.config.topics);
  });

  it('never lets anyone follow an author they blocked or muted', () => {
    const violations = [...world.users.keys()].flatMap((u) =>
      [...world.blocked(u), ...world.muted(u)].filter((b) => world.following(u).has(b)),
    );
    expect(violations).toEqual([]);
  });
});
