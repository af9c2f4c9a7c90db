import { RequestMethod } from '@nestjs/common';

/** Every route, for `forRoutes()`, in Express 5's syntax (a bare `*` works too, but Nest warns about it on every boot). */
export const ALL_ROUTES = { path: '{*path}', method: RequestMethod.ALL };
