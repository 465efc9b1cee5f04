/**
 * Typed calls to the `todo` cloud function; the page never knows how they travel. Writes go
 * through callOnce: a retry after a lost answer never makes a second todo.
 */
import type { CallResult } from '../../typings/contract';
import type {
  MatrixSummary,
  QuickAddRequest,
  QuickAddResult,
  SubscriptionCredit,
  Todo,
  TodoDraft,
  TodoListRequest,
  TodoListResult,
  TodoPatch,
} from '../../typings/todo';
import { callCloud, callOnce } from './cloud';

type One = Promise<CallResult<{ todo: Todo }>>;

export const todos = {
  list: (request: TodoListRequest): Promise<CallResult<TodoListResult>> => callCloud('todo', 'list', request),
  get: (id: string): One => callCloud('todo', 'get', { id }),
  create: (draft: TodoDraft): One => callOnce('todo', 'create', draft),
  update: (patch: TodoPatch): One => callOnce('todo', 'update', patch),
  complete: (id: string): Promise<CallResult<{ todo: Todo; next: Todo | null }>> =>
    callOnce('todo', 'complete', { id }),
  skip: (id: string): One => callOnce('todo', 'skip', { id }),
  toggleStep: (id: string, stepId: string, done: boolean): One => callOnce('todo', 'toggleStep', { id, stepId, done }),
  /** Quick add's reading of a line (callCloud sends the phone's zone, as every call does). */
  parse: (request: QuickAddRequest): Promise<CallResult<QuickAddResult>> => callCloud('todo', 'parse', request),
  summary: (): Promise<CallResult<MatrixSummary>> => callCloud('todo', 'summary', {}),
  reopen: (id: string): One => callCloud('todo', 'reopen', { id }),
  remove: (id: string): Promise<CallResult<{ id: string }>> => callOnce('todo', 'remove', { id }),
  subscribe: (templateId: string): Promise<CallResult<SubscriptionCredit>> =>
    callCloud('todo', 'subscribe', { templateId }),
};
