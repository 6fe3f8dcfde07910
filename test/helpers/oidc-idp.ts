/**
 * Starts the test identity provider (./oidc-idp/server.mjs, `oidc-provider` 9 in its own Node
 * process on 127.0.0.1) and answers its issuer URL. The accounts are the users the test signs in
 * as, each with its `roles` claim.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface IdpAccount {
  sub: string;
  name: string;
  email?: string;
  roles: string[];
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  close(): Promise<void>;
}

export async function startTestIdp(options: {
  accounts: IdpAccount[];
  redirectUris: string[];
  clientId?: string;
}): Promise<TestIdp> {
  const clientId = options.clientId ?? 'inburgering-web';
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'oidc-idp', 'server.mjs')], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      IDP_CONFIG: JSON.stringify({
        accounts: options.accounts,
        redirectUris: options.redirectUris,
        clientId,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`test IdP did not start: ${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`test IdP exited (${code}): ${stderr}`)));
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { issuer: string }).issuer);
    });
  });
  return {
    issuer,
    clientId,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
