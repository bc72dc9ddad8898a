import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { resolveInfraConfig } from '@kanary/infra';

const run = promisify(execFile);

/** A self-signed broker certificate: the broker's keystore, and the PEM clients trust. */
export interface BrokerCertificate {
  /** PKCS12 keystore with the key and certificate (for `ssl.keystore.location`). */
  readonly keystore: string;
  readonly password: string;
  /** The certificate in PEM: the CA file of the clients (KAFKA_TLS_CA_FILE). */
  readonly caFile: string;
  readonly caPem: string;
}

/**
 * Makes a throw-away certificate for 127.0.0.1 and localhost with the JDK's keytool (the JDK
 * that runs the local broker, so no other tool is needed), valid for two days.
 */
export async function brokerCertificate(): Promise<BrokerCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'kanary-tls-'));
  const java = resolveInfraConfig().java;
  const keytool = java.includes('/') ? join(dirname(java), 'keytool') : 'keytool';
  const keystore = join(dir, 'broker.p12');
  const caFile = join(dir, 'ca.pem');
  const password = randomBytes(12).toString('hex');
  const store = ['-keystore', keystore, '-storetype', 'PKCS12', '-storepass', password];
  await run(keytool, [
    '-genkeypair',
    '-alias',
    'broker',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-dname',
    'CN=localhost',
    '-ext',
    'SAN=ip:127.0.0.1,dns:localhost',
    '-validity',
    '2',
    '-keypass',
    password,
    ...store,
  ]);
  await run(keytool, ['-exportcert', '-rfc', '-alias', 'broker', '-file', caFile, ...store]);
  return { keystore, password, caFile, caPem: await readFile(caFile, 'utf8') };
}
