import { defaultSeed, resolveSeed } from './seed';

describe(resolveSeed.name, () => {
  const wide = { name: 'wide', project: 'admin', cidr: '10.16.0.0/20' };

  it('is the demo cloud when given nothing', () => {
    expect(resolveSeed()).toEqual(defaultSeed());
  });

  it('appends what "add" gives to the default list, keeping the default entries', () => {
    const seed = resolveSeed({ add: { networks: [wide] } });
    expect(seed.networks.map((n) => n.name)).toEqual([...defaultSeed().networks.map((n) => n.name), 'wide']);
    expect(seed.flavors).toEqual(defaultSeed().flavors);
  });

  it('appends to a list the input replaces', () => {
    const seed = resolveSeed({ networks: [{ name: 'only', project: 'demo', cidr: '10.9.0.0/24' }], add: { networks: [wide] } });
    expect(seed.networks.map((n) => n.name)).toEqual(['only', 'wide']);
  });
});
