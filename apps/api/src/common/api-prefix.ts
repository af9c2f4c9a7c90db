/** Every route of the API is under `/v1` (the probes excepted): links the API gives (e.g. `Location`) include it. */
export const API_PREFIX = 'v1';
