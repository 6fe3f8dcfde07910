/**
 * Why an application service did not do what it was asked. The services know nothing of HTTP: the
 * API maps each kind to its status (api/http/errors.ts), the caseload import to a rejected or
 * failed row. Refusals by the workflow's rules stay Temporal's own `WorkflowUpdateFailedError`
 * (an `ApplicationFailure` whose type is the rule code), read where they are answered.
 */

/** One field of the input and what is wrong with it (`field` is the dotted path). */
export interface FieldIssue {
  field: string;
  reason: string;
}

export class ApplicationError extends Error {}

/** The input does not fit its schema, or names something that does not exist (a coach id). */
export class InvalidInputError extends ApplicationError {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.reason}`).join('; '));
    this.name = 'InvalidInputError';
  }
}

/** No trajectory (or report kind, or action) with this name or id. */
export class NotFoundError extends ApplicationError {
  constructor(readonly what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** The actor may not see or change this trajectory (not their caseload, not referred). */
export class AccessDeniedError extends ApplicationError {
  constructor(message: string) {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

/** The state forbids it before the workflow is asked (e.g. the trajectory has ended). */
export class RefusedError extends ApplicationError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}
