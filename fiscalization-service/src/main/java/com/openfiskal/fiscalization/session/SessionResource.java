package com.openfiskal.fiscalization.session;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.fiscalization.api.SessionsApi;
import com.openfiskal.fiscalization.common.Responses;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** HTTP for the read-only session view (API.md §7.6). */
public class SessionResource implements SessionsApi {

    private static final Set<String> STATUSES = Set.of("open", "counted", "closed");

    private final SessionService sessions;

    public SessionResource(SessionService sessions) {
        this.sessions = sessions;
    }

    @Override
    public CompletionStage<Response> getSession(String merchant, String id) {
        return Responses.async(sessions.get(id).map(s -> Response.ok(s).build()));
    }

    @Override
    public CompletionStage<Response> listSessions(
            String merchant,
            Integer limit,
            String cursor,
            String registerId,
            String status,
            String closedFrom,
            String closedTo) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalid("status", "status must be one of open, counted, closed.");
        }
        return Responses.async(sessions.list(limit, cursor, registerId, status, closedFrom, closedTo)
                .map(page -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("data", page.items());
                    body.put("has_more", page.hasMore());
                    body.put("next_cursor", page.nextCursor());
                    return Response.ok(body).build();
                }));
    }
}
