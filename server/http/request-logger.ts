// Fastify gives every request a child logger bound to its request id. With
// redaction on, pino runs the redaction over those bindings when it creates a
// child: a few microseconds per request, a tenth of a cheap request. Most
// requests never write a line at warn or above, so the child is created on
// the first line that is actually written.
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LogFn } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

class LazyRequestLogger {
  #child?: FastifyBaseLogger;

  constructor(readonly parent: FastifyBaseLogger, readonly bindings: Bindings) {}

  get #logger(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings));
  }

  get level(): string {
    return this.parent.level;
  }

  set level(level: string) {
    this.#logger.level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger.child(bindings, options);
  }

  #log(level: Level, args: Parameters<LogFn>): void {
    if (this.isLevelEnabled(level)) (this.#logger[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: Parameters<LogFn>) { this.#log('fatal', args); }
  error(...args: Parameters<LogFn>) { this.#log('error', args); }
  warn(...args: Parameters<LogFn>) { this.#log('warn', args); }
  info(...args: Parameters<LogFn>) { this.#log('info', args); }
  debug(...args: Parameters<LogFn>) { this.#log('debug', args); }
  trace(...args: Parameters<LogFn>) { this.#log('trace', args); }
  silent() {}

  isLevelEnabled(level: string): boolean {
    // Fastify's no-op logger (logger: false) has no isLevelEnabled
    return ((this.#child ?? this.parent) as { isLevelEnabled?(l: string): boolean }).isLevelEnabled?.(level) ?? true;
  }
}

export const lazyChildLogger = (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger =>
  // per-route log levels or serializers: a real child at once
  options && Object.keys(options).length
    ? logger.child(bindings, options)
    : (new LazyRequestLogger(logger, bindings) as unknown as FastifyBaseLogger);
