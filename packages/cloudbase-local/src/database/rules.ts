/**
 * CloudBase security rules (安全规则) for client access: the `read` and `write` expressions of
 * collections.json, parsed once and applied to every client get, count, add, update, remove and
 * watch. Cloud functions are never subject to them.
 *
 * The expressions understood are what the rules of a creator-owned collection need: `true`,
 * `false`, `doc.<path> == auth.openid` (either side), `auth != null`, `auth.openid != null`,
 * combined with `&&`, `||` and parentheses. Anything else is refused at start with its text, so
 * a rule is never half-understood.
 *
 * A client query is allowed when it is a subset of the rule (CloudBase checks the query, not the
 * documents): each `doc.f == auth.openid` the rule needs must be pinned by the query to the caller.
 */
import { resolve } from 'mingo/util';
import { isPlainObject } from '../wire/objects';
import type { CollectionSpec } from './config';
import type { Doc, Query } from './store/types';

/** Who is asking: the mini-program user's openid, or nobody (signed out). */
export interface Auth {
  openid: string;
}

/** One condition of a rule: the document's field equals the caller's openid, or the caller is signed in. */
type Atom = { kind: 'owner'; path: string } | { kind: 'signedIn' };

/** A rule in disjunctive normal form: any of the clauses, each clause all of its atoms. `[[]]` is true, `[]` false. */
export type Rule = readonly (readonly Atom[])[];

/** What CloudBase applies to a collection created without custom rules: its creator reads and writes it. */
const CREATOR_ONLY = 'doc._openid == auth.openid';
/** The caller in a client query: WeChat's documented placeholder for "my openid". */
export const OPENID_PLACEHOLDER = '{openid}';

class RuleSyntaxError extends Error {}

const TOKEN = /\s*(\(|\)|&&|\|\||==|!=|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) throw new RuleSyntaxError(`unexpected text at "${source.slice(at)}"`);
    tokens.push(match[1]);
  }
  return tokens;
}

const and = (left: Rule, right: Rule): Rule => left.flatMap((a) => right.map((b) => [...a, ...b]));

/** Recursive descent over: or := and ('||' and)*; and := term ('&&' term)*; term := '(' or ')' | literal | comparison. */
class Parser {
  private pos = 0;
  constructor(private readonly tokens: string[]) {}

  parse(): Rule {
    const rule = this.or();
    if (this.pos < this.tokens.length) throw new RuleSyntaxError(`unexpected "${this.tokens[this.pos]}"`);
    return rule;
  }

  private or(): Rule {
    let rule = this.and();
    while (this.peek() === '||') {
      this.pos++;
      rule = [...rule, ...this.and()];
    }
    return rule;
  }

  private and(): Rule {
    let rule = this.term();
    while (this.peek() === '&&') {
      this.pos++;
      rule = and(rule, this.term());
    }
    return rule;
  }

  private term(): Rule {
    const token = this.next();
    if (token === '(') {
      const inner = this.or();
      if (this.next() !== ')') throw new RuleSyntaxError('missing ")"');
      return inner;
    }
    if (token === 'true') return [[]];
    if (token === 'false') return [];
    const op = this.next();
    const other = this.next();
    if (op !== '==' && op !== '!=') throw new RuleSyntaxError(`expected == or != after "${token}"`);
    const pair = [token, other].sort().join(' ');
    if (op === '!=' && (pair === 'auth null' || pair === 'auth.openid null')) return [[{ kind: 'signedIn' }]];
    if (op === '==') {
      const field = [token, other].find((side) => side.startsWith('doc.'));
      const rest = [token, other].find((side) => side !== field);
      if (field && rest === 'auth.openid') return [[{ kind: 'owner', path: field.slice('doc.'.length) }]];
    }
    throw new RuleSyntaxError(`"${token} ${op} ${other}" is not a condition the local cloud understands`);
  }

  private peek(): string | undefined {
    return this.tokens[this.pos];
  }

  private next(): string {
    const token = this.tokens[this.pos++];
    if (token === undefined) throw new RuleSyntaxError('the expression ends too early');
    return token;
  }
}

export function parseRule(source: string | boolean): Rule {
  if (typeof source === 'boolean') return source ? [[]] : [];
  return new Parser(tokenize(source)).parse();
}

/** Does the document satisfy the rule for this caller? */
export function allowsDoc(rule: Rule, doc: Doc, auth: Auth | null): boolean {
  return rule.some((clause) =>
    clause.every((atom) => {
      if (!auth) return false;
      if (atom.kind === 'signedIn') return true;
      return resolve(doc, atom.path) === auth.openid;
    }),
  );
}

/** Does every document the query can match have `path` equal to `value`? */
function pins(query: Query, path: string, value: string): boolean {
  const own = Object.prototype.hasOwnProperty.call(query, path) ? query[path] : undefined;
  if (own === value) return true;
  if (isPlainObject(own)) {
    if (own.$eq === value) return true;
    if (Array.isArray(own.$in) && own.$in.length > 0 && own.$in.every((item) => item === value)) return true;
  }
  const all = query.$and;
  if (Array.isArray(all) && all.some((part) => isPlainObject(part) && pins(part, path, value))) return true;
  const any = query.$or;
  return Array.isArray(any) && any.length > 0 && any.every((part) => isPlainObject(part) && pins(part, path, value));
}

/** Is the query a subset of the rule: does it constrain every field a clause of the rule needs to the caller? */
export function allowsQuery(rule: Rule, query: Query, auth: Auth | null): boolean {
  return rule.some((clause) =>
    clause.every((atom) => {
      if (!auth) return false;
      if (atom.kind === 'signedIn') return true;
      return pins(query, atom.path, auth.openid);
    }),
  );
}

/** Replaces every `'{openid}'` value in a client query with the caller's openid. */
export function withCaller(value: unknown, auth: Auth | null): unknown {
  if (value === OPENID_PLACEHOLDER) return auth ? auth.openid : value;
  if (Array.isArray(value)) return value.map((item) => withCaller(item, auth));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withCaller(item, auth)]));
  }
  return value;
}

/**
 * The rule as a query for this caller: `{}` when it allows every document, undefined when it allows
 * none. Added to a single-document write so the check and the write are one atomic step.
 */
export function ruleAsQuery(rule: Rule, auth: Auth | null): Query | undefined {
  if (!auth) return undefined;
  const clauses: Query[] = [];
  for (const clause of rule) {
    const owners = clause.filter((atom): atom is Extract<Atom, { kind: 'owner' }> => atom.kind === 'owner');
    if (owners.length === 0) return {};
    clauses.push(Object.fromEntries(owners.map((atom) => [atom.path, auth.openid])));
  }
  if (clauses.length === 0) return undefined;
  return clauses.length === 1 ? clauses[0] : { $or: clauses };
}

export interface CollectionRules {
  read: Rule;
  write: Rule;
  /** The rules as written, for error messages. */
  source: { read: string; write: string };
}

/** The rules of every declared collection; any other collection is creator-only, as CloudBase creates it. */
export class SecurityRules {
  private readonly byCollection = new Map<string, CollectionRules>();
  private readonly fallback: CollectionRules = {
    read: parseRule(CREATOR_ONLY),
    write: parseRule(CREATOR_ONLY),
    source: { read: CREATOR_ONLY, write: CREATOR_ONLY },
  };

  constructor(collections: Record<string, CollectionSpec> = {}) {
    for (const [name, spec] of Object.entries(collections)) {
      const parse = (kind: 'read' | 'write'): { rule: Rule; text: string } => {
        const source = spec.rules?.[kind] ?? CREATOR_ONLY;
        try {
          return { rule: parseRule(source), text: String(source) };
        } catch (error) {
          const reason = error instanceof RuleSyntaxError ? error.message : String(error);
          throw new Error(`collections.json: the ${kind} rule of "${name}" (${JSON.stringify(source)}): ${reason}`, {
            cause: error,
          });
        }
      };
      const read = parse('read');
      const write = parse('write');
      this.byCollection.set(name, {
        read: read.rule,
        write: write.rule,
        source: { read: read.text, write: write.text },
      });
    }
  }

  of(collection: string): CollectionRules {
    return this.byCollection.get(collection) ?? this.fallback;
  }
}
