package com.openfiskal.fiscalization.common;

import com.openfiskal.contracts.paging.Cursor;
import com.openfiskal.contracts.paging.Page;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The query behind every list endpoint (API.md §2.8): a base condition, optional filters, newest first by
 * id, a cursor bound to the filter set it was issued with, and one row more than the page to know whether
 * there is another.
 */
public final class ListQuery {

    private final String filters;
    private final String after;
    private final int limit;
    private final StringBuilder where;
    private final Parameters params;
    private int bound;

    private ListQuery(Integer limit, String cursor, String base, Parameters params, Object... filterValues) {
        this.filters = Cursor.filters(filterValues);
        this.after = Cursor.decode(cursor, filters);
        this.limit = Cursor.limit(limit);
        this.where = new StringBuilder(base);
        this.params = params;
    }

    /**
     * @param base the caller's scope, e.g. {@code merchantId = :merchant}, with its parameters
     * @param filterValues everything that selects rows (the resource name first); a cursor is valid only for them
     */
    public static ListQuery of(Integer limit, String cursor, String base, Parameters params, Object... filterValues) {
        return new ListQuery(limit, cursor, base, params, filterValues);
    }

    /** {@code field = value} when a value was given. */
    public ListQuery eq(String field, Object value) {
        return compare(field, "=", value);
    }

    /** {@code field >= value} when a value was given. */
    public ListQuery from(String field, Object value) {
        return compare(field, ">=", value);
    }

    /** {@code field <= value} when a value was given. */
    public ListQuery to(String field, Object value) {
        return compare(field, "<=", value);
    }

    private ListQuery compare(String field, String op, Object value) {
        if (value != null) {
            String name = "f" + (++bound);
            where.append(" and ")
                    .append(field)
                    .append(' ')
                    .append(op)
                    .append(" :")
                    .append(name);
            params.and(name, value);
        }
        return this;
    }

    public <T> Uni<Page<T>> page(BiFunction<String, Parameters, PanacheQuery<T>> find, Function<T, String> id) {
        if (after != null) {
            where.append(" and id < :after");
            params.and("after", after);
        }
        return find.apply(where + " order by id desc", params)
                .range(0, limit)
                .list()
                .map(rows -> Page.of(rows, limit, id, filters));
    }
}
