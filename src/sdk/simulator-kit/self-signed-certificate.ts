import { generate } from 'selfsigned';

/**
 * A certificate made locally at start, as real devices ship with: a simulator's `--tls` never
 * needs a file or a download. Valid for localhost, 127.0.0.1 and the host it listens on.
 */
export async function selfSignedCertificate(host: string): Promise<{ key: string; cert: string }> {
  const isIp = /^[\d.]+$|:/.test(host);
  const altNames = [
    { type: 2 as const, value: 'localhost' },
    { type: 7 as const, ip: '127.0.0.1' },
    ...(host === 'localhost' || host === '127.0.0.1' ? [] : [isIp ? { type: 7 as const, ip: host } : { type: 2 as const, value: host }]),
  ];
  const pems = await generate([{ name: 'commonName', value: isIp ? 'localhost' : host }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
