// Packages that the API's build bundles into main.js; every other package is required from node_modules at run time.
//
// V8 keeps the source of every loaded module for as long as the process runs, two bytes per character as soon as one
// character of the file is beyond Latin-1. These three are the largest such sources of the idle API (its heap
// snapshot): lodash.js, 546 KB on disk, takes 1,092 KB; luxon 262 KB takes 524 KB; js-yaml 134 KB takes 267 KB.
// Bundled, their characters are escaped to ASCII and their comments dropped (webpack.config.js).
//
// A package is bundled together with every package that requires it, or Node would still load it, a second time, from
// node_modules: lodash and js-yaml are required only by @nestjs/swagger (@nestjs/config requires lodash's one-function
// files, such as lodash/get, not lodash.js), luxon by our time zones and by cron, and cron by @nestjs/schedule.
// test/bundled-packages.e2e-spec.ts checks that the built API loads none of them from there.
module.exports = ['@nestjs/swagger', 'lodash', 'js-yaml', '@nestjs/schedule', 'cron', 'luxon'];
