// The engine's public surface, for the CLI, benchmarks and tests.
export { Engine, DEFAULT_TIMEOUT_MS, type EngineOptions, type RunResult } from './engine.js';
export * from './events.js';
export { FakeClock, realClock, type Clock } from './clock.js';
export { formatDuration, formatElapsed, parseDuration } from '../shared/duration.js';
export { JournalWriter, RUN_ID, findJournal, journalDir, journalFile, newRunId, parseJournal, readJournal, type JournalContents } from './journal.js';
export { ParamError, parseSets, publicParams, resolveParams, type ResolvedParams } from './params.js';
export { NonInteractivePrompter, PromptInterrupted, ScriptedPrompter, type ManualAnswer, type PromptChoice, type Prompter, type ScriptedAnswer } from './prompter.js';
export { MASK, Redactor } from './redact.js';
export { JournalError, resumeStateFrom, type ResumeState } from './resume.js';
export { LocatedError } from './scope.js';
export { listSteps, type StepLocation } from './walk.js';
