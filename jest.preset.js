const nxPreset = require('@nx/jest/preset').default;

module.exports = { ...nxPreset, setupFiles: [`${__dirname}/tools/jest/fast-check-seed.cjs`] };
