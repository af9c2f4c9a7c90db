/** Replaces `{name}` placeholders with URL-encoded values: ids never get to change the path. */
export function expandPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new Error(`Missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}

export type QueryValue = string | number | boolean | undefined | null;

/** `base` + `path` + query (undefined values dropped), without doubling or losing slashes. */
export function joinUrl(base: string, path: string, query?: Record<string, QueryValue> | URLSearchParams): string {
  const url = `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`.replace(/\/$/, '');
  const params = query instanceof URLSearchParams ? query : new URLSearchParams();
  if (query && !(query instanceof URLSearchParams)) {
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) params.append(key, String(value));
    }
  }
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

export interface SplitEndpoint {
  /** Everything before the version segment, without a trailing slash (`http://h:8774`, `http://h/compute`). */
  root: string;
  /** `v2.1`, `v2`, `v2.0`..., when the catalog URL carries one. */
  version?: string;
  /** What follows the version, e.g. `/<project_id>` in `.../v2.1/<project_id>`. */
  suffix: string;
}

/**
 * Catalog URLs come as `http://h:8774/v2.1`, `http://h:8774/v2.1/<project_id>`, `http://h:9292`,
 * `http://h:9696/` or `http://h/compute/v2.1`: this finds the version segment, if any.
 */
export function splitEndpoint(catalogUrl: string): SplitEndpoint {
  const url = new URL(catalogUrl);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  let index = -1;
  for (let i = segments.length - 1; i >= 0; i--) {
    if (/^v\d+(\.\d+)?$/.test(segments[i] ?? '')) {
      index = i;
      break;
    }
  }
  const origin = url.origin;
  if (index < 0) {
    const path = segments.length ? `/${segments.join('/')}` : '';
    return { root: `${origin}${path}`, suffix: '' };
  }
  const before = segments.slice(0, index);
  const after = segments.slice(index + 1);
  return {
    root: `${origin}${before.length ? `/${before.join('/')}` : ''}`,
    version: segments[index],
    suffix: after.length ? `/${after.join('/')}` : '',
  };
}

/**
 * The query of a `next` link (Nova's `servers_links`, Glance's `next`), to be replayed on our own base URL:
 * links often carry the wrong host or scheme behind proxies, so only their parameters are trusted.
 */
export function nextPageQuery(href: string): URLSearchParams {
  return new URL(href, 'http://placeholder.invalid').searchParams;
}
