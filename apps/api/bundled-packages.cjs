// Packages that the API's build bundles into main.js; every other package is required from node_modules at run time.
//
// V8 keeps the source of every loaded module for as long as the process runs, two bytes per character as soon as one
// character of the file is beyond Latin-1. The heap snapshot of the idle API showed the largest sources:
// - TypeORM, 3.5 MB, two fifths of it the drivers of the 16 databases other than PostgreSQL, which its driver factory
//   requires up front; bundled, a stand-in replaces them (webpack.config.js);
// - lodash.js, 546 KB on disk, 1,092 KB in the heap; luxon 262 KB, 524 KB; js-yaml 134 KB, 267 KB.
// Bundled, their characters are escaped to ASCII and their comments dropped (webpack.config.js).
//
// A package is bundled together with every package that requires it, or Node would still load it, a second time, from
// node_modules: lodash and js-yaml are required only by @nestjs/swagger (@nestjs/config requires lodash's one-function
// files, such as lodash/get, not lodash.js), luxon by our time zones and by cron, cron by @nestjs/schedule, typeorm by
// @nestjs/typeorm (Terminus's TypeORM indicator requires both by name, so readiness pings the database with our own,
// src/health/indicators/database.indicator.ts). test/bundled-packages.e2e-spec.ts checks that the built API, running,
// loads none of them from there.
module.exports = ['@nestjs/swagger', 'lodash', 'js-yaml', '@nestjs/schedule', 'cron', 'luxon', 'typeorm', '@nestjs/typeorm'];
