// Response envelopes every API area shares, and the compile-time tie between a response schema
// and the view type its route actually sends.
import { z, type ZodType } from 'zod';
import { pageQueryFields } from '../../http/pagination.js';

/** { data: [...] }: a whole collection. */
export const list = <S extends ZodType>(item: S) => z.object({ data: z.array(item) }).strict();

/** { data: [...], nextCursor? }: one page (src/http/pagination.ts); pass nextCursor as `cursor` for the next; absent on the last page. */
export const page = <S extends ZodType>(item: S) =>
  z.object({ data: z.array(item), nextCursor: z.string().optional().meta({ description: 'The cursor of the next page; absent on the last page.' }) }).strict();

/** `limit` and `cursor`, the query every paged list takes (pagination.ts pageQueryFields), described for the reference. */
export const pageQuery = <S extends z.ZodRawShape>(extra?: S) =>
  z.object({
    limit: pageQueryFields.limit.meta({ description: 'Page size.' }),
    cursor: pageQueryFields.cursor.meta({ description: 'The `nextCursor` of the previous page.' }),
    ...(extra ?? ({} as S)),
  });

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
