import { registerAs } from '@nestjs/config';

export const appConfig = registerAs('app', () => ({
  host: process.env['HOST'] ?? '0.0.0.0',
  port: Number(process.env['PORT'] ?? 8080),
  env: process.env['NODE_ENV'] ?? 'development',
}));

export type AppConfig = ReturnType<typeof appConfig>;
