// One set of @nestjs/swagger compiler-plugin options for the webpack build and for ts-jest.
module.exports = { classValidatorShim: true, introspectComments: true, dtoFileNameSuffix: ['.dto.ts', '.entity.ts'] };
