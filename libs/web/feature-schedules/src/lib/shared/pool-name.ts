import { LoadBalancersService } from '@peak/api-client';
import { catchError, map, Observable, of, switchMap } from 'rxjs';

/**
 * A pool's name, from the load balancer that lists it (a schedule holds only the pool's id); `null` when it is not
 * found or cannot be read, and the id is shown instead.
 */
export function poolNameOf(api: LoadBalancersService, poolId: string): Observable<string | null> {
  return api.listLoadBalancers().pipe(
    switchMap((balancers) => {
      const owner = balancers.find((lb) => lb.poolIds.includes(poolId));
      if (!owner) return of(null);
      return api.listPools({ id: owner.id }).pipe(map((pools) => pools.find((pool) => pool.id === poolId)?.name || null));
    }),
    catchError(() => of(null)),
  );
}
