import { launchLines, membershipText } from './launch-text';

describe('launch text', () => {
  it('names the pool, its port and the drain', () => {
    expect(launchLines({ loadBalancer: { poolId: 'pool-1', protocolPort: 8080 } }, 'web-pool')).toEqual([
      { label: 'Load balancer', value: 'behind pool web-pool:8080, drain 30 s' },
    ]);
  });

  it('names the pool by its id while its name is unknown', () => {
    expect(membershipText({ poolId: 'pool-1', protocolPort: 80, drainSeconds: 0 })).toBe('behind pool pool-1:80, drain 0 s');
  });

  it('adds what differs from the defaults', () => {
    expect(
      membershipText(
        {
          poolId: 'p',
          protocolPort: 80,
          weight: 5,
          subnetId: 'subnet-9',
          monitorAddress: '10.0.0.9',
          monitorPort: 9090,
          waitForOnline: false,
          drainSeconds: 1200,
        },
        'web-pool',
      ),
    ).toBe('behind pool web-pool:80, drain 1,200 s, weight 5, subnet subnet-9, monitored at 10.0.0.9:9090, ready once joined');
    expect(membershipText({ poolId: 'p', protocolPort: 80, monitorPort: 9090, waitForOnline: true })).toBe(
      'behind pool p:80, drain 30 s, monitored at its address:9090, ready once ONLINE',
    );
  });
});
