// Fresh signing key pairs made ahead of need, so creating a realm does not wait ~0.2 s for an
// RSA-2048 key (or rotating keys for both). The pool holds `size` unused pairs per alg in
// memory only (never stored: a pair is sealed to its realm and kid when it is taken) and refills
// one pair at a time in the background (jose generates them in libuv's thread pool). Taken
// from an empty pool, a pair is generated on the spot, as before. A process that never calls
// start() (the CLI) always generates on the spot and leaves no work running.
// After close() at most the one generation under way finishes (in the thread pool) and is dropped.
import { exportJWK, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import type { SigningAlg } from './signing-keys.service.js';

export interface GeneratedKey {
  kid: string;
  publicJwk: Record<string, unknown>;
  privateJwk: { kty: string; kid: string; alg: string; use: 'sig'; [k: string]: unknown };
}

export type KeySource = (alg: SigningAlg) => Promise<GeneratedKey>;

export const generateKey: KeySource = async (alg) => {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const kid = randomUUID();
  const meta = { kid, alg, use: 'sig' as const };
  const privateJwk = await exportJWK(privateKey);
  return { kid, publicJwk: { ...(await exportJWK(publicKey)), ...meta }, privateJwk: { ...privateJwk, kty: privateJwk.kty ?? '', ...meta } };
};

export interface KeyPool {
  /** A ready pair, else one generated on the spot. */
  take: KeySource;
  /** Fills the pool now and after every take. */
  start(): void;
  /** Stops refilling and drops the unused pairs. A generation under way is not waited for (its pair is dropped): shutdown stays prompt. */
  close(): void;
  /** Ready pairs per alg (tests and benches). */
  ready(alg: SigningAlg): number;
}

export function createKeyPool(opts: { algs: readonly SigningAlg[]; size: number; onError?: (err: unknown) => void }): KeyPool {
  const ready = new Map<SigningAlg, GeneratedKey[]>(opts.algs.map((alg) => [alg, []]));
  let running = false;
  let filling: Promise<void> | undefined;

  const missing = () => opts.algs.find((alg) => ready.get(alg)!.length < opts.size);
  async function fill() {
    for (let alg = missing(); running && alg; alg = missing()) {
      const key = await generateKey(alg);
      if (running) ready.get(alg)!.push(key);
    }
  }
  const refill = () => {
    if (!running || filling || opts.size === 0) return;
    filling = fill()
      .catch((err: unknown) => opts.onError?.(err))
      .finally(() => {
        filling = undefined;
      });
  };

  return {
    async take(alg) {
      const key = ready.get(alg)?.shift();
      refill();
      return key ?? generateKey(alg);
    },
    start() {
      running = true;
      refill();
    },
    close() {
      running = false;
      for (const keys of ready.values()) keys.length = 0;
    },
    ready: (alg) => ready.get(alg)?.length ?? 0,
  };
}
