// Which bootstrap brokers answer. kafkajs takes its seed broker from the list
// in order and, when that broker accepts TCP but never answers, waits out its
// request timeout and retries the same broker: one hung broker first in
// KAFKA_BROKERS failed every check. So every bootstrap broker is asked for its
// API versions at once, each with a short deadline of its own, and kafkajs is
// handed only the ones that answered.

import { formatDuration } from '../shared/duration.js';
import net from 'node:net';
import { StepError } from '../shared/step-context.js';

export type ProbeFailure = 'refused' | 'timeout' | 'not-found' | 'unreachable' | 'closed';

export type ProbeOutcome =
  | { broker: string; answered: true }
  | { broker: string; answered: false; failure: ProbeFailure; reason: string };

/** A bootstrap broker that did not answer. */
export interface UnansweredBroker {
  broker: string;
  /** The broker and what happened: "127.0.0.1:1 refused the connection (ECONNREFUSED)". */
  detail: string;
}


/** "host:port" → host and port; brackets around an IPv6 host are dropped. */
export function splitHostPort(broker: string): { host: string; port: number } | null {
  const at = broker.lastIndexOf(':');
  if (at <= 0) return null;
  const port = Number(broker.slice(at + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: broker.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
}

const API_VERSIONS = 18;
const CLIENT_ID = Buffer.from('oncall');

/** ApiVersions v0: every broker since Kafka 0.10 answers it, before any authentication. */
function apiVersionsRequest(correlationId: number): Buffer {
  const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + CLIENT_ID.length);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt16BE(API_VERSIONS, 4);
  frame.writeInt16BE(0, 6);
  frame.writeInt32BE(correlationId, 8);
  frame.writeInt16BE(CLIENT_ID.length, 12);
  CLIENT_ID.copy(frame, 14);
  return frame;
}

function failureOf(err: NodeJS.ErrnoException): { failure: ProbeFailure; reason: string } {
  switch (err.code) {
    case 'ECONNREFUSED':
      return { failure: 'refused', reason: 'refused the connection (ECONNREFUSED)' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { failure: 'not-found', reason: `host not found (${err.code})` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { failure: 'closed', reason: `closed the connection without answering (${err.code})` };
    default:
      return { failure: 'unreachable', reason: `is unreachable (${err.code ?? err.message})` };
  }
}

/**
 * Asks one broker for its API versions. Any well-formed reply counts, even an
 * error code: the broker is alive and speaks Kafka. Never rejects.
 */
export function probeBroker(broker: string, deadlineMs: number, track: (socket: net.Socket) => void): Promise<ProbeOutcome> {
  const address = splitHostPort(broker);
  if (!address) return Promise.resolve({ broker, answered: false, failure: 'unreachable', reason: 'is not host:port' });
  return new Promise((resolve) => {
    const correlationId = 1 + Math.floor(Math.random() * 0x7ffffffe);
    const socket = net.connect(address);
    track(socket);
    let received = Buffer.alloc(0);
    const settle = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => settle({ broker, answered: false, failure: 'timeout', reason: `did not answer within ${formatDuration(deadlineMs)}` }),
      deadlineMs,
    );
    socket.once('connect', () => socket.write(apiVersionsRequest(correlationId)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 8) return;
      const size = received.readInt32BE(0);
      if (size >= 4 && received.readInt32BE(4) === correlationId) settle({ broker, answered: true });
      else settle({ broker, answered: false, failure: 'closed', reason: 'answered with something that is not Kafka' });
    });
    socket.on('error', (err) => settle({ broker, answered: false, ...failureOf(err) }));
    socket.on('close', () =>
      settle({ broker, answered: false, failure: 'closed', reason: 'closed the connection without answering' }),
    );
  });
}

export interface Bootstrap {
  /** Resolves once one broker answered; rejects with a one-line StepError naming every broker when none did. */
  readonly firstAnswer: Promise<void>;
  /** The brokers that answered so far, fastest first. */
  answered(): string[];
  /** Waits for every probe (at most its deadline); the brokers that did not answer, in the order given. */
  unanswered(): Promise<UnansweredBroker[]>;
  /** The failure to report when the step runs out of time before any broker answered. */
  noAnswerYet(waitedMs: number): StepError;
  /** Ends the probes still waiting. */
  close(): void;
}

/** Probes every broker of `brokers` concurrently, each with `deadlineMs`. */
export function probeBootstrap(brokers: string[], deadlineMs: number): Bootstrap {
  // Every probe connects right here, so none can start after close().
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const live: string[] = [];
  const outcomes = new Map<string, ProbeOutcome>();
  const current = (pendingFor: number) => brokers.map((b) => outcomes.get(b) ?? timedOut(b, pendingFor));

  let resolveFirst!: () => void;
  let rejectFirst!: (err: StepError) => void;
  const firstAnswer = new Promise<void>((resolve, reject) => {
    resolveFirst = resolve;
    rejectFirst = reject;
  });
  firstAnswer.catch(() => undefined);

  const all = Promise.all(
    brokers.map((b) =>
      probeBroker(b, deadlineMs, track).then((o) => {
        outcomes.set(b, o);
        if (o.answered) {
          live.push(b);
          resolveFirst();
        }
        return o;
      }),
    ),
  );
  void all.then(() => {
    if (live.length === 0) rejectFirst(noneAnswered(current(deadlineMs)));
  });

  return {
    firstAnswer,
    answered: () => [...live],
    async unanswered() {
      const done = await all;
      return done.flatMap((o) => (o.answered ? [] : [{ broker: o.broker, detail: describe(o) }]));
    },
    noAnswerYet: (waitedMs) => noneAnswered(current(waitedMs)),
    close() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}

type Failed = Extract<ProbeOutcome, { answered: false }>;

const timedOut = (broker: string, ms: number): Failed => ({
  broker,
  answered: false,
  failure: 'timeout',
  reason: `did not answer within ${formatDuration(ms)}`,
});

/** "127.0.0.1:1 refused the connection (ECONNREFUSED)", "kafka.invalid:9092: host not found (ENOTFOUND)". */
function describe(o: Failed): string {
  return `${o.broker}${o.failure === 'not-found' ? ':' : ''} ${o.reason}`;
}

/** One line naming each broker and what happened; the code says whether time ran out or the brokers are unreachable. */
function noneAnswered(outcomes: ProbeOutcome[]): StepError {
  const failed = outcomes.filter((o): o is Failed => !o.answered);
  const code = failed.every((o) => o.failure === 'timeout') ? 'timeout' : 'unreachable';
  if (failed.length === 1) return new StepError(`kafka brokers ${describe(failed[0]!)}`, code);
  return new StepError(`none of the ${failed.length} kafka bootstrap brokers answered: ${failed.map(describe).join('; ')}`, code);
}
