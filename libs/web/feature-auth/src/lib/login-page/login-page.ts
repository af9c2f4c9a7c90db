import { afterNextRender, ChangeDetectionStrategy, Component, computed, ElementRef, inject, input, signal, viewChild } from '@angular/core';
import { AbstractControl, FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { ErrorStateMatcher } from '@angular/material/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatExpansionModule } from '@angular/material/expansion';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { AuthService, LoginDto, schemaLimits, toApiProblem } from '@peak/api-client';
import { PRODUCT_NAME } from '@peak/web/util';
import { firstValueFrom } from 'rxjs';
import { safeReturnUrl } from '../auth.guards';
import { AuthSession, SessionEnd } from '../auth-session';

/**
 * A field shows its error once the user has been in it (or tried to submit): not merely because the form was
 * submitted once, so the password emptied after a refused login is not flagged red before it is retyped.
 */
const TOUCHED_ONLY: ErrorStateMatcher = { isErrorState: (control: AbstractControl | null) => !!control?.invalid && control.touched };

const ENDED: Record<SessionEnd, string> = {
  logout: 'You have logged out.',
  expired: 'Your session expired: log in again.',
  rejected: 'Your session ended (the token expired or was revoked): log in again.',
};

/**
 * The console's login: the user's OpenStack (Keystone) credentials go to the API, which passes them to Keystone
 * and returns a token. The password is not kept anywhere once the request is sent.
 */
@Component({
  selector: 'peak-login-page',
  imports: [
    MatButtonModule,
    MatCardModule,
    MatExpansionModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    ReactiveFormsModule,
  ],
  templateUrl: './login-page.html',
  styleUrl: './login-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [{ provide: ErrorStateMatcher, useValue: TOUCHED_ONLY }],
})
export class LoginPage {
  private readonly authApi = inject(AuthService);
  private readonly session = inject(AuthSession);
  private readonly router = inject(Router);

  /** Where to go after logging in (a console path; anything else is ignored). Bound from the query string. */
  readonly returnUrl = input<string>();

  private readonly usernameInput = viewChild.required<ElementRef<HTMLInputElement>>('username');

  constructor() {
    // The page is for typing a user name: the cursor starts there (also after a client-side redirect, where
    // the HTML autofocus attribute does nothing).
    afterNextRender(() => this.usernameInput().nativeElement.focus());
  }

  protected readonly productName = PRODUCT_NAME;
  /** The API's limits for the login body, from its spec. */
  private readonly limits = schemaLimits.LoginDto;
  protected readonly form = inject(FormBuilder).nonNullable.group({
    username: ['', [Validators.required, Validators.maxLength(this.limits.username.maxLength)]],
    password: ['', [Validators.required, Validators.maxLength(this.limits.password.maxLength)]],
    projectName: ['', Validators.maxLength(this.limits.projectName.maxLength)],
    userDomainName: ['Default', [Validators.required, Validators.maxLength(this.limits.userDomainName.maxLength)]],
    projectDomainName: ['', Validators.maxLength(this.limits.projectDomainName.maxLength)],
  });
  protected readonly hidePassword = signal(true);
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);
  /** Why the user is here again, until they try to log in. */
  protected readonly notice = computed(() => {
    const reason = this.session.endReason();
    return reason && !this.error() ? ENDED[reason] : null;
  });

  protected async submit(): Promise<void> {
    if (this.submitting()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { username, password, projectName, userDomainName, projectDomainName } = this.form.getRawValue();
    const body: LoginDto = {
      username: username.trim(),
      password,
      userDomainName: userDomainName.trim(),
      ...(projectName.trim() && { projectName: projectName.trim() }),
      ...(projectDomainName.trim() && { projectDomainName: projectDomainName.trim() }),
    };
    this.submitting.set(true);
    this.error.set(null);
    try {
      const issued = await firstValueFrom(this.authApi.login({ body }));
      this.session.start(issued);
      this.form.controls.password.reset('');
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (error) {
      this.form.controls.password.reset('');
      this.error.set(this.describe(error));
    } finally {
      this.submitting.set(false);
    }
  }

  private describe(error: unknown): string {
    const problem = toApiProblem(error);
    switch (problem.status) {
      case 401:
        return 'Wrong user name or password (or domain, or project).';
      case 403:
      case 429:
        return problem.message;
      default:
        return problem.status === 0 ? problem.message : `Could not log in: ${problem.message}`;
    }
  }
}
