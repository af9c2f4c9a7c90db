// Stands in, in the built API, for each of TypeORM's drivers but PostgreSQL's (webpack.config.js): TypeORM's driver
// factory requires all of them up front, and the API only ever opens a PostgreSQL data source (the embedded database
// too is PostgreSQL, over its wire protocol).
module.exports = new Proxy(
  {},
  {
    get: (_, name) =>
      typeof name === 'string' && name.endsWith('Driver')
        ? class {
            constructor() {
              throw new Error(`TypeORM's ${name} is not in this build: the API runs on PostgreSQL`);
            }
          }
        : undefined,
  },
);
