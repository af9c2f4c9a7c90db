import { schemaLimits } from '@peak/api-client';

/**
 * What the API accepts for a schedule and which defaults it applies, as its OpenAPI spec states them (generated
 * from the spec, so a change of the API's DTOs reaches the form with the next client generation).
 */
export const scheduleLimits = schemaLimits.CreateScheduleDto;

/** The limits of a recurring window; the form's duration field serves both kinds of window. */
export const windowLimits = schemaLimits.RecurringWindowDto;
