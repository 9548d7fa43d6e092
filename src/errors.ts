/** Base of every error Retort raises on purpose; the CLI prints `FAILED: <message>`, exit 1. */
export class RetortError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Bad flags or arguments: the CLI prints the message and usage, exit 2. */
export class UsageError extends RetortError {}

/** Problems with the revision graph or an identifier. */
export class RevisionError extends RetortError {}

/** An identifier that names nothing, or names too much. */
export class ResolutionError extends RevisionError {
  constructor(
    message: string,
    readonly identifier: string,
  ) {
    super(message)
  }
}

/** `head` (or `L@head`) matched several heads. */
export class MultipleHeadsError extends RevisionError {
  constructor(
    readonly identifier: string,
    readonly heads: readonly string[],
  ) {
    super(
      `'${identifier}' matches ${heads.length} heads (${heads.join(', ')}); ` +
        `name one, use '<branch>@head', or use 'heads'`,
    )
  }
}

/** A problem found while building the graph; `paths` names the files at fault. */
export class GraphError extends RevisionError {
  constructor(
    message: string,
    readonly paths: readonly string[] = [],
  ) {
    super(message)
  }
}

/** The configuration file or a setting is wrong. */
export class ConfigError extends RetortError {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message)
  }
}

/** A revision file could not be read or written. */
export class ScriptError extends RetortError {
  constructor(
    message: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** A migration failed while running. */
export class MigrationError extends RetortError {
  constructor(
    message: string,
    readonly revision: string,
    readonly direction: 'upgrade' | 'downgrade',
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** The database could not be reached, or refused a statement outside a migration. */
export class DatabaseError extends RetortError {}
