const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

/**
 * Escapes every non-ASCII character of the emitted JavaScript (`’` becomes `\u2019`). V8 keeps each script's source
 * in memory for as long as the process runs, two bytes per character as soon as one character is beyond Latin-1: a few
 * typographic quotes and arrows doubled main.js in the API's heap. Escapes are the same characters in every place a
 * non-ASCII one can stand in this bundle (strings, templates, regular expressions; comments are not emitted).
 */
class AsciiOutputPlugin {
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('AsciiOutputPlugin', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'AsciiOutputPlugin', stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_SIZE }, () => {
        for (const asset of compilation.getAssets().filter(({ name }) => name.endsWith('.js'))) {
          const text = asset.source.source().toString();
          if (!/[\u0080-\uffff]/.test(text)) continue;
          const escaped = new sources.ReplaceSource(asset.source);
          for (const { index, 0: unit } of text.matchAll(/[\u0080-\uffff]/g)) {
            escaped.replace(index, index, `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
          }
          compilation.updateAsset(asset.name, escaped);
        }
      });
    });
  }
}

module.exports = {
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
      sourceMap: true,
      // DTO fields documented by their types and JSDoc, not by repeating @ApiProperty everywhere.
      transformers: [
        {
          name: '@nestjs/swagger/plugin',
          options: require('./swagger-plugin-options.cjs'),
        },
      ],
    }),
    new AsciiOutputPlugin(),
  ],
};
