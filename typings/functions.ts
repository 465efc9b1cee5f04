/**
 * Every cloud function's actions, with request and response types. Client services and cloud
 * functions both compile against this map, so a drifted contract is a compile error.
 */
import type { ChatActions } from './chat';
import type { Action } from './contract';
import type { LoginActions } from './login';
import type { TodoActions } from './todo';

export interface CloudFunctions {
  chat: ChatActions;
  login: LoginActions;
  todo: TodoActions;
}

export type FunctionName = keyof CloudFunctions;
export type ActionName<F extends FunctionName> = keyof CloudFunctions[F] & string;

type ActionOf<F extends FunctionName, A extends ActionName<F>> =
  CloudFunctions[F][A] extends Action<infer Q, infer R> ? Action<Q, R> : never;

export type RequestOf<F extends FunctionName, A extends ActionName<F>> = ActionOf<F, A>['request'];
export type ResponseOf<F extends FunctionName, A extends ActionName<F>> = ActionOf<F, A>['response'];

/** The event a function receives: the action name beside the request's fields. */
export type EventOf<F extends FunctionName, A extends ActionName<F>> = { action: A } & RequestOf<F, A>;
