// Injection tokens of the api app's own providers.
export const API_CODEC = Symbol.for('aftershock.api.EventCodec');
export const ALERTS_REPOSITORY = Symbol.for('aftershock.api.AlertsRepository');
export const INCIDENTS_REPOSITORY = Symbol.for('aftershock.api.IncidentsRepository');
export const CHANGES_REPOSITORY = Symbol.for('aftershock.api.ChangesRepository');
export const VERDICTS_REPOSITORY = Symbol.for('aftershock.api.VerdictsRepository');
export const PROBLEMS_REPOSITORY = Symbol.for('aftershock.api.ProblemsRepository');
export const ASSESSMENTS_REPOSITORY = Symbol.for('aftershock.api.AssessmentsRepository');
export const TELEMETRY_REPOSITORY = Symbol.for('aftershock.api.TelemetryRepository');
/** Where SLO counts come from (the telemetry store). */
export const SLO_COUNTS = Symbol.for('aftershock.api.SloCounts');
export const SERVICE_CATALOG = Symbol.for('aftershock.api.ServiceCatalog');
/** The OpenAPI document of the app's controllers. */
export const OPENAPI_DOCUMENT = Symbol.for('aftershock.api.OpenApiDocument');
