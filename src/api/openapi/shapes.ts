// Response envelopes every API area shares, and the compile-time tie between a response schema
// and the view type its route actually sends.
import { z, type ZodType } from 'zod';

/** { data: [...] }: a whole collection. */
export const list = <S extends ZodType>(item: S) => z.object({ data: z.array(item) }).strict();

/** { data: [...], nextCursor }: one page; pass nextCursor as `cursor` for the next; null on the last page. */
export const page = <S extends ZodType>(item: S) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable().meta({ description: 'The cursor of the next page; null on the last page.' }) }).strict();

/** Same field names, and every value the schema accepts is one the view type allows (the schema may be narrower: an enum for a string). */
type Describes<Out, View> = [keyof Out] extends [keyof View] ? ([keyof View] extends [keyof Out] ? ([Out] extends [View] ? true : false) : false) : false;

/**
 * `describes<AppView>()(appViewSchema)` compiles only when the schema has exactly the fields of
 * the view type the route sends: a field added to one and not the other breaks `tsc`, not the docs.
 */
export const describes =
  <T>() =>
  <S extends ZodType>(schema: S & (Describes<z.output<S>, T> extends true ? unknown : { error: 'schema and view type differ' })): S =>
    schema;
