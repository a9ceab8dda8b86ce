/**
 * Reads a token with tools that share no code with capbu — OpenSC's pkcs11-tool and OpenSSL — to
 * check what a renewal left on it as any other application would see it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN_SOFTHSM2 } from '../../src/token/module.js';

export interface TokenCertificate {
  readonly id: string;
  readonly label: string;
  readonly der: Buffer;
}

function tool(env: NodeJS.ProcessEnv, args: string[]): Buffer {
  return execFileSync('pkcs11-tool', ['--module', DEBIAN_SOFTHSM2, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
}

export function certificatesOn(env: NodeJS.ProcessEnv, label: string, dir: string): TokenCertificate[] {
  const listing = tool(env, ['--token-label', label, '--list-objects', '--type', 'cert']).toString();
  const out: TokenCertificate[] = [];
  for (const block of listing.split(/(?=Certificate Object)/).filter((b) => b.startsWith('Certificate Object'))) {
    const id = /ID:\s+([0-9a-f]+)/.exec(block)?.[1] ?? '';
    const name = /label:\s+(.*)/.exec(block)?.[1]?.trim() ?? '';
    const file = join(mkdtempSync(join(dir, 'read-')), 'cert.der');
    tool(env, ['--token-label', label, '--read-object', '--type', 'cert', '--id', id, '-o', file]);
    out.push({ id, label: name, der: readFileSync(file) });
  }
  return out;
}

/**
 * Whether the token's private key with this ID signs so that the certificate's key verifies it.
 * SoftHSM2 has no CKM_ECDSA_SHA256, so for EC keys OpenSSL hashes and the token signs the digest.
 */
export function keyMatches(env: NodeJS.ProcessEnv, label: string, pin: string, cert: TokenCertificate, dir: string, ec: boolean): boolean {
  const work = mkdtempSync(join(dir, 'sign-'));
  const data = join(work, 'data');
  const signature = join(work, 'sig');
  writeFileSync(data, 'capbu independent check');
  const keyFile = join(work, 'key.pem');
  writeFileSync(keyFile, execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-pubkey'], { input: cert.der }));
  const login = ['--token-label', label, '--login', '--pin', pin, '--sign', '--id', cert.id];
  if (ec) {
    const digest = join(work, 'digest');
    writeFileSync(digest, execFileSync('openssl', ['dgst', '-sha256', '-binary', data]));
    tool(env, [...login, '--mechanism', 'ECDSA', '--signature-format', 'openssl', '-i', digest, '-o', signature]);
    const args = ['pkeyutl', '-verify', '-pubin', '-inkey', keyFile, '-in', digest, '-sigfile', signature];
    return spawnSync('openssl', args, { stdio: 'pipe' }).status === 0;
  }
  tool(env, [...login, '--mechanism', 'SHA256-RSA-PKCS', '-i', data, '-o', signature]);
  return spawnSync('openssl', ['dgst', '-sha256', '-verify', keyFile, '-signature', signature, data], { stdio: 'pipe' }).status === 0;
}

/** OpenSSL's verdict on the chain, at a given time. */
export function chainsTo(cert: Buffer, root: string, intermediate: string, at: Date, dir: string): boolean {
  const work = mkdtempSync(join(dir, 'chain-'));
  const certPem = join(work, 'cert.pem');
  writeFileSync(certPem, execFileSync('openssl', ['x509', '-inform', 'DER', '-outform', 'PEM'], { input: cert }));
  const rootFile = join(work, 'root.pem');
  const caFile = join(work, 'ca.pem');
  writeFileSync(rootFile, root);
  writeFileSync(caFile, intermediate);
  const args = ['verify', '-attime', String(Math.floor(at.getTime() / 1000)), '-CAfile', rootFile, '-untrusted', caFile, certPem];
  return spawnSync('openssl', args, { stdio: 'pipe' }).status === 0;
}
