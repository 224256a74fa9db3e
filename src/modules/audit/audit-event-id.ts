// Audit event ids are UUIDv7 (RFC 9562 §5.7): the millisecond, then a counter within it (§6.2,
// method 1: the uuidv7 package's 42-bit counter), then random bits. The trail is read newest first
// by (createdAt, id), so events of the same millisecond keep the order this process made them in;
// with random (v4) ids their order was a coin toss (a sign-in's events shown out of order).
// PostgreSQL compares uuids byte by byte, which is this order.
export { uuidv7 as auditEventId } from 'uuidv7';
