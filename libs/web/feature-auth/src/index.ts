export * from './lib/auth-session';
export * from './lib/auth.guards';
export * from './lib/auth.interceptor';
export * from './lib/auth.routes';
export * from './lib/user-menu/user-menu';
