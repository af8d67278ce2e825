// The live members of a process group (what a step's command left running
// after it exited), and stopping them. Linux reads /proc; elsewhere `ps`.
// Only program names are reported, never command lines (a leftover's argv
// may hold a secret).
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export interface GroupMember {
  pid: number;
  program: string;
}

function fromProc(pgid: number): GroupMember[] {
  const out: GroupMember[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
    const close = stat.lastIndexOf(')');
    const [state, , pgrp] = stat.slice(close + 2).split(' ');
    // Zombies and dead entries run nothing; only a reaper can remove them.
    if (Number(pgrp) !== pgid || state === 'Z' || state === 'X') continue;
    out.push({ pid: Number(entry), program: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return out;
}

function fromPs(pgid: number): GroupMember[] {
  const r = spawnSync('ps', ['-A', '-o', 'pid=,pgid=,stat=,comm='], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  const out: GroupMember[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m || Number(m[2]) !== pgid || m[3]!.startsWith('Z')) continue;
    out.push({ pid: Number(m[1]), program: m[4]!.slice(m[4]!.lastIndexOf('/') + 1) });
  }
  return out;
}

export function groupMembers(pgid: number): GroupMember[] {
  try {
    return fromProc(pgid);
  } catch {
    return fromPs(pgid);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** SIGTERM to the group, SIGKILL after the grace: whether SIGKILL was needed. Signals only the group, never a lone pid (the leader is gone; its pid may be reused). */
export async function stopGroup(pgid: number, graceMs: number): Promise<boolean> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pgid, s);
    } catch {
      /* the group is empty */
    }
  };
  signal('SIGTERM');
  for (const deadline = performance.now() + graceMs; performance.now() < deadline; ) {
    await sleep(25);
    if (!groupMembers(pgid).length) return false;
  }
  signal('SIGKILL');
  for (let i = 0; i < 40 && groupMembers(pgid).length; i++) await sleep(25);
  return true;
}
