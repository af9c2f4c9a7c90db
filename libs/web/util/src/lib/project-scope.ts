import { InjectionToken, Signal, signal } from '@angular/core';

/** Which projects' schedules the logged-in user sees, as far as pages need to know. */
export interface ProjectScope {
  /** A cloud admin sees every project's schedules and may filter by project; anyone else sees their own project's only. */
  readonly cloudAdmin: boolean;
  /** The name of the project the user's token is scoped to, if the API said. */
  readonly projectName: string | null;
}

/**
 * The logged-in user's project scope. The app provides it from the session (`AuthSession.cloudAdmin` and
 * `AuthSession.projectName`); without a provider the user is no cloud admin and the project is unknown: pages then
 * show no project column or filter, and the API still scopes every list to the token's project.
 */
export const PROJECT_SCOPE = new InjectionToken<Signal<ProjectScope>>('PROJECT_SCOPE', {
  providedIn: 'root',
  factory: () => signal<ProjectScope>({ cloudAdmin: false, projectName: null }).asReadonly(),
});
