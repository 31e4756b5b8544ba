import { isValidTenant } from '@clew/model';
import { createToken, hashToken } from '@clew/server/client';
import { Command, InvalidArgumentError, Option } from 'commander';

export interface NewToken {
  /** The token itself: shown once, never stored. */
  readonly token: string;
  /** The `auth.tokens` entry to paste into the config, as YAML. */
  readonly configEntry: string;
}

/** A new token for a tenant and scope, and the config entry that lets it in (its hash, not the token). */
export function newToken(tenant: string, scope: 'write' | 'read' | 'admin', name?: string): NewToken {
  const token = createToken();
  const lines = [`- hash: ${hashToken(token)}`, `  tenant: ${tenant}`, `  scope: ${scope}`];
  if (name !== undefined) lines.push(`  name: ${JSON.stringify(name)}`);
  return { token, configEntry: lines.join('\n') };
}

export const tenantArg = (v: string): string => {
  if (!isValidTenant(v)) throw new InvalidArgumentError(`"${v}" is not a tenant name: letters, digits and _ . - only, 1 to 64 of them`);
  return v;
};

/** `clew token create --tenant t --scope write|read|admin [--name n]`. */
export function tokenCommand(): Command {
  const token = new Command('token').description('make tokens for auth.tokens (who may write and read which tenant)');
  token
    .command('create')
    .description('print a new token once, and the auth.tokens entry (its hash) to add to the config')
    .requiredOption('--tenant <name>', 'the tenant whose data the token writes or reads', tenantArg)
    .addOption(new Option('--scope <scope>', 'write spans, read them, or admin (both, and X-Scope-OrgID)').choices(['write', 'read', 'admin']).makeOptionMandatory())
    .option('--name <label>', 'a label for the entry (never the token)')
    .action((opts: { tenant: string; scope: 'write' | 'read' | 'admin'; name?: string }) => {
      const made = newToken(opts.tenant, opts.scope, opts.name);
      process.stdout.write(
        `token (shown once; give it to the client as "Authorization: Bearer <token>"):\n${made.token}\n\n` +
          `add under auth.tokens in the config:\n${made.configEntry}\n`,
      );
    });
  return token;
}
