// Passwords on a command line are visible to every local user in `ps`. Where
// the program takes its secret another way, the engine passes it that way:
// redis-cli reads REDISCLI_AUTH, psql reads PGPASSWORD. What cannot be moved
// (a password inside a shell script, another program's flag) is listed in
// docs/engine.md.

export interface HiddenSecrets {
  args: string[];
  /** Environment for the child, holding what left the argv. */
  env: Record<string, string>;
}

const base = (file: string) => file.slice(file.lastIndexOf('/') + 1);

/** A URL without its password, and the password (decoded), when it has one. */
function splitPassword(url: string): { url: string; user?: string; password: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (!u.password) return undefined;
  const password = decodeURIComponent(u.password);
  const user = u.username ? decodeURIComponent(u.username) : undefined;
  u.password = '';
  u.username = '';
  // URL adds a trailing slash to a bare host; keep the URL as written otherwise.
  const shown = u.toString();
  return { url: !url.endsWith('/') && shown.endsWith('/') && u.pathname === '/' ? shown.slice(0, -1) : shown, ...(user ? { user } : {}), password };
}

function redisCli(args: string[]): HiddenSecrets | undefined {
  const out = [...args];
  const env: Record<string, string> = {};
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    if ((a === '-a' || a === '--pass') && out[i + 1] !== undefined) {
      env.REDISCLI_AUTH = out[i + 1]!;
      out.splice(i, 2);
      i--;
    } else if (a === '-u' && out[i + 1] !== undefined) {
      const split = splitPassword(out[i + 1]!);
      if (!split) continue;
      env.REDISCLI_AUTH = split.password;
      out[i + 1] = split.url;
      if (split.user && split.user !== 'default') out.splice(i + 2, 0, '--user', split.user);
    } else if (!a.startsWith('-')) break;
  }
  return env.REDISCLI_AUTH !== undefined ? { args: out, env } : undefined;
}

function psql(args: string[]): HiddenSecrets | undefined {
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    const at = a === '-d' || a === '--dbname' ? i + 1 : /^postgres(ql)?:\/\//.test(a) ? i : -1;
    if (at < 0 || out[at] === undefined) continue;
    const split = splitPassword(out[at]!);
    if (!split) continue;
    out[at] = split.user ? split.url.replace('://', `://${encodeURIComponent(split.user)}@`) : split.url;
    return { args: out, env: { PGPASSWORD: split.password } };
  }
  return undefined;
}

/** The argv with its passwords moved into the environment, where the program allows it. */
export function hideArgvSecrets(file: string, args: readonly string[]): HiddenSecrets | undefined {
  const name = base(file);
  if (name === 'redis-cli' || name === 'valkey-cli') return redisCli([...args]);
  if (name === 'psql') return psql([...args]);
  return undefined;
}
