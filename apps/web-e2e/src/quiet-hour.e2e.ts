import { quietHour } from './support/api';

describe(quietHour.name, () => {
  const hours = Array.from({ length: 24 }, (_, hour) => hour);

  it('starts a two-hour window at least 10 hours ahead that ends on its own day, at any hour the suite starts', () => {
    const bad = hours.filter((now) => {
      const quiet = quietHour(now);
      const hoursAhead = (quiet - now + 24) % 24;
      return quiet + 2 >= 24 || hoursAhead < 10 || hoursAhead > 14;
    });
    expect(bad).toEqual([]);
  });
});
