const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');
const TerserPlugin = require('terser-webpack-plugin');
const bundledPackages = require('./bundled-packages.cjs');

/** TypeORM's drivers the API never opens, as its driver factory requires them: `./mysql/MysqlDriver`. */
const UNUSED_TYPEORM_DRIVER =
  /^\.\/(aurora-mysql|aurora-postgres|better-sqlite3|capacitor|cockroachdb|cordova|expo|mongodb|mysql|nativescript|oracle|react-native|sap|spanner|sqljs|sqlite|sqlserver)\/\w+Driver$/;

/** The package a bare request names: `lodash` for `lodash/get`, `@nestjs/swagger` for `@nestjs/swagger/dist/x`. */
const packageOf = (request) =>
  request
    .split('/')
    .slice(0, request.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * Our code (relative paths and the workspace's `@peak/*` libraries) and `bundled-packages.cjs` go into main.js; every
 * other package is required from node_modules at run time, as Nx's default would.
 */
function externalUnlessBundled({ request }, callback) {
  if (/^[./]/.test(request) || request.startsWith('@peak/') || bundledPackages.includes(packageOf(request))) return callback();
  return callback(null, `commonjs ${request}`);
}

/**
 * Prints main.js again, with nothing renamed, removed or reordered (one statement per line, so stack traces stay
 * readable), but:
 * - every non-ASCII character escaped (`’` becomes `\u2019`). V8 keeps each script's source in memory for as long as
 *   the process runs, two bytes per character as soon as one character is beyond Latin-1: a few typographic quotes and
 *   arrows doubled main.js in the API's heap, and the bundled packages' sources were the same (bundled-packages.cjs).
 *   Escapes are the same characters wherever a non-ASCII one can stand in this bundle (strings, templates, regular
 *   expressions);
 * - without comments: the bundled packages' would stay in the heap with their code (lodash's are about half of
 *   lodash.js);
 * - indented by one space.
 * Set after Nx's plugin, which installs its own minimizer; `optimization: false` there keeps everything else as is.
 */
class CompactOutputPlugin {
  apply(compiler) {
    compiler.options.optimization.minimize = true;
    compiler.options.optimization.minimizer = [
      new TerserPlugin({
        extractComments: false,
        terserOptions: {
          compress: false,
          mangle: false,
          keep_classnames: true,
          keep_fnames: true,
          format: { ascii_only: true, comments: false, beautify: true, indent_level: 1 },
        },
      }),
    ];
  }
}

/** Builds in a stand-in (unused-typeorm-driver.cjs) for each TypeORM driver the API never opens. */
class PostgresOnlyTypeOrmPlugin {
  apply(compiler) {
    const standIn = join(__dirname, 'unused-typeorm-driver.cjs');
    new compiler.webpack.NormalModuleReplacementPlugin(UNUSED_TYPEORM_DRIVER, (resource) => {
      if (/[\\/]typeorm[\\/]driver$/.test(resource.context)) resource.request = standIn;
    }).apply(compiler);
  }
}

module.exports = {
  externals: [externalUnlessBundled],
  module: {
    // Loads the database driver TypeORM is configured with (pg) by a name it is given: left as it is, its require() is
    // Node's own at run time and finds pg in node_modules, with the API's other external packages.
    noParse: /[\\/]typeorm[\\/]platform[\\/]PlatformTools\.js$/,
  },
  output: {
    path: join(__dirname, '../../dist/apps/api'),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && {
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    }),
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      assets: ['./src/assets'],
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      // Instead of Nx's "every package external": externalUnlessBundled, above.
      externalDependencies: 'none',
      mergeExternals: true,
      sourceMap: true,
      // DTO fields documented by their types and JSDoc, not by repeating @ApiProperty everywhere.
      transformers: [
        {
          name: '@nestjs/swagger/plugin',
          options: require('./swagger-plugin-options.cjs'),
        },
      ],
    }),
    new CompactOutputPlugin(),
    new PostgresOnlyTypeOrmPlugin(),
  ],
};
