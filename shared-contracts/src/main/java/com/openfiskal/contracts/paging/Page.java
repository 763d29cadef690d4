package com.openfiskal.contracts.paging;

import java.util.List;
import java.util.function.Function;

/** One page of a list, newest first; built from {@code limit + 1} fetched rows. */
public record Page<T>(List<T> items, boolean hasMore, String nextCursor) {

    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> idOf, String filters) {
        boolean more = fetched.size() > limit;
        List<T> items = more ? fetched.subList(0, limit) : fetched;
        String next = more ? Cursor.encode(idOf.apply(items.get(items.size() - 1)), filters) : null;
        return new Page<>(items, more, next);
    }
}
