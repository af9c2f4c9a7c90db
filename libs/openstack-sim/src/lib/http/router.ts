/**
 * A tiny path router: patterns are `/`-separated segments where `:name` captures one segment.
 * It tells "no such path" (404) apart from "path exists, not with this method" (405) as the real services do.
 */
export type RouteParams = Record<string, string>;

export type RouteMatchResult<H> =
  | { kind: 'found'; handler: H; params: RouteParams }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allowed: string[] };

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

export class Router<H> {
  /** The routes by their number of segments (a path matches only patterns as long as itself), in the order added. */
  private readonly routesOfLength = new Map<number, Route<H>[]>();

  add(method: string, pattern: string, handler: H): this {
    const route = { method: method.toUpperCase(), segments: splitPath(pattern), handler };
    const routes = this.routesOfLength.get(route.segments.length);
    if (routes) routes.push(route);
    else this.routesOfLength.set(route.segments.length, [route]);
    return this;
  }

  get(pattern: string, handler: H): this {
    return this.add('GET', pattern, handler);
  }

  post(pattern: string, handler: H): this {
    return this.add('POST', pattern, handler);
  }

  put(pattern: string, handler: H): this {
    return this.add('PUT', pattern, handler);
  }

  patch(pattern: string, handler: H): this {
    return this.add('PATCH', pattern, handler);
  }

  delete(pattern: string, handler: H): this {
    return this.add('DELETE', pattern, handler);
  }

  /** HEAD falls back to the GET route (the caller drops the body). */
  match(method: string, path: string): RouteMatchResult<H> {
    const segments = splitPath(path);
    const wanted = method.toUpperCase();
    const allowed: string[] = [];
    let headFallback: { handler: H; params: RouteParams } | undefined;
    for (const route of this.routesOfLength.get(segments.length) ?? []) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === wanted) return { kind: 'found', handler: route.handler, params };
      if (wanted === 'HEAD' && route.method === 'GET') headFallback ??= { handler: route.handler, params };
      allowed.push(route.method);
    }
    if (headFallback) return { kind: 'found', ...headFallback };
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function matchSegments(pattern: string[], actual: string[]): RouteParams | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: RouteParams = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i];
    const segment = actual[i];
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (expected !== segment) {
      return undefined;
    }
  }
  return params;
}
