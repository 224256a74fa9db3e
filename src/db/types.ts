// The database handle repos receive: the client itself or an interactive transaction, so a
// service can run several repo calls atomically (`prisma.$transaction(tx => ...)`).
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient | Prisma.TransactionClient;
export type { PrismaClient };
