import { HttpInterceptorFn, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { HealthService, provideApiConfiguration } from '../index';

/**
 * The console's HTTP setup relies on two properties of the generated client: it uses the HttpClient from
 * dependency injection (so interceptors, e.g. a future X-Auth-Token one, see every call), and its paths
 * already carry the `/v1` prefix (so the root URL is the console's own origin).
 */
describe('generated API client', () => {
  it('sends requests through the injected HttpClient and its interceptors, on the configured root', async () => {
    const stamp: HttpInterceptorFn = (req, next) => next(req.clone({ setHeaders: { 'X-Auth-Token': 'secret' } }));
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([stamp])),
        provideHttpClientTesting(),
        provideApiConfiguration('https://peak.example'),
      ],
    });
    const http = TestBed.inject(HttpTestingController);

    const response = firstValueFrom(TestBed.inject(HealthService).getHealth());
    const request = http.expectOne('https://peak.example/v1/health');
    expect(request.request.method).toBe('GET');
    expect(request.request.headers.get('X-Auth-Token')).toBe('secret');
    request.flush({ status: 'ok' });

    await expect(response).resolves.toEqual({ status: 'ok' });
    http.verify();
  });
});
