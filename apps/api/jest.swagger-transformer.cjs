// ts-jest wants { name, version, factory }; the Swagger plugin exports `before(options, program)`.
const plugin = require('@nestjs/swagger/plugin');
const options = require('./swagger-plugin-options.cjs');

module.exports = {
  name: 'nestjs-swagger-plugin',
  version: 1,
  factory: (tsCompiler) => plugin.before(options, tsCompiler.program),
};
