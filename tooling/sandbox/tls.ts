import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The sandbox's own certificate authority and the 127.0.0.1 server certificate it signed. */
export interface SandboxTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

function openssl(args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? (error as Error).message;
    throw new Error(`openssl ${args[0]} failed (the sandbox needs openssl on PATH: apt-get install openssl): ${detail}`);
  }
}

/**
 * Generates (once per sandbox run directory) a CA and a server certificate for 127.0.0.1/localhost.
 * The sandbox serves HTTPS so that the state bucket's TLS-only policy is evaluated for real
 * (docs/sandbox.md); the keys never leave the git-ignored run directory.
 */
export function ensureSandboxTls(dir: string): SandboxTls {
  const tls: SandboxTls = {
    caFile: join(dir, 'ca.pem'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server-key.pem'),
  };
  if ([tls.caFile, tls.certFile, tls.keyFile].every((file) => existsSync(file))) return tls;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKey = join(dir, 'ca-key.pem');
  const csr = join(dir, 'server.csr');
  const extensions = join(dir, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', caKey, '-out', tls.caFile, '-days', '30', '-subj', '/CN=cdktf sandbox CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...ec, '-keyout', tls.keyFile, '-out', csr, '-subj', '/CN=127.0.0.1']);
  writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', csr, '-CA', tls.caFile, '-CAkey', caKey, '-CAcreateserial', '-out', tls.certFile, '-days', '30', '-extfile', extensions]);
  return tls;
}
