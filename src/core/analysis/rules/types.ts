// What a rule is: an id, its words (short for SARIF, full for media/rules.md), a default
// severity, and its decisions. The analysis (findings.ts) decides which functions run per
// request and what each call reaches; a rule decides whether that is a finding, and says it.
import type { CatalogEntry } from '../catalog/types';
import type { CallFact, CodeFacts, FunctionFact } from '../facts';
import type { Finding, Route, RuleId, Severity, SourceRange } from '../../model';

export type { RuleId } from '../../model';

/** Where a per-request function runs: on the event loop, or on a WSGI worker it holds for the whole request. */
export type Execution = 'loop' | 'worker';

/** A function that runs per request, as a rule sees it. */
export interface Checked {
  path: string;
  facts: CodeFacts;
  fn: FunctionFact;
  route?: Route;
  runs: Execution;
  /** First step of a chain: 'fetch()', or for an anonymous handler its route ('GET /x') or middleware. */
  chainStart: string;
}

/** A catalog call made right in the function. */
export interface BlockingCall {
  call: CallFact;
  entry: CatalogEntry;
  /** The call as findings name it: 'requests.get', 'requests.Session.get'. */
  name: string;
}

/** One step of a chain, with where it is. */
export interface Step {
  label: string;
  loc: SourceRange;
}

/** The first blocking call a function makes, directly or through the sync functions it calls. */
export interface Reach {
  entry: CatalogEntry;
  blocking: string;
  steps: Step[];
}

/** A call into a workspace function that reaches a catalog call further down. */
export interface BlockingChain {
  call: CallFact;
  /** The called function as messages name it: 'load_remote', 'UserService.load'. */
  helper: string;
  reach: Reach;
  /** The call is on an abstract method: `helper` is the implementation that blocks, one of `implementations`. */
  dispatch?: { declared: string; implementations: number };
}

/** A finding as a rule words it; the analysis adds file, rule id and handler. */
export type Report = Omit<Finding, 'file' | 'rule' | 'handler'>;

export interface Rule {
  id: RuleId;
  /** kebab-case, as in the file name: 'blocking-call'. */
  name: string;
  /** The usual severity (SARIF's default level); a finding may carry another (EP101 on disk calls: warning). */
  severity: Severity;
  /** One line: SARIF shortDescription. */
  short: string;
  /** Markdown paragraphs: the rule's section of media/rules.md and SARIF fullDescription. */
  doc: string;
  /** A catalog call made directly in a per-request function. */
  onCall?(fn: Checked, hit: BlockingCall): Report | undefined;
  /** A call into workspace code that reaches a catalog call. */
  onChain?(fn: Checked, hit: BlockingChain): Report | undefined;
  /** After all of a function's calls; `blocked`: a call rule reported one of them. */
  onFunction?(fn: Checked, blocked: boolean): Report | undefined;
  /** Made from runs that watched the server's loop (the editor), never by the analysis: no decision above. */
  measured?: true;
}

/** Catalog severity hint → finding severity on the event loop: network, sleep, process, db are errors. */
export const LOOP_SEVERITY: Record<CatalogEntry['severity'], Severity> = { H: 'error', M: 'warning', C: 'warning' };
