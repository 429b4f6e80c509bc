import type { z } from 'zod';

/** A type that exists only for the compiler: results come from our own engine and are typed, not re-parsed. */
export interface Phantom<T> {
  readonly __type?: T;
}
export const returns = <T>(): Phantom<T> => ({});

export interface CallSpec<P extends z.ZodType = z.ZodType, R = unknown> {
  params: P;
  result: Phantom<R>;
}

export type CallMap = Record<string, CallSpec>;
export type EventMap = Record<string, Phantom<unknown>>;

export type ParamsOf<S> = S extends CallSpec<infer P, unknown> ? z.input<P> : never;
export type ParsedParamsOf<S> = S extends CallSpec<infer P, unknown> ? z.output<P> : never;
export type ResultOf<S> = S extends CallSpec<z.ZodType, infer R> ? R : never;
export type PayloadOf<E> = E extends Phantom<infer T> ? T : never;
