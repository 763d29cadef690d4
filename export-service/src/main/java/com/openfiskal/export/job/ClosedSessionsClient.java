package com.openfiskal.export.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The fiscalization-service's internal closed-session endpoint (API.md §9.2), the authoritative list. */
@RegisterRestClient(configKey = "fiscalization")
@Path("/internal/v1/registers/{id}/closed-sessions")
public interface ClosedSessionsClient {

    @GET
    Uni<JsonNode> closedSessions(
            @PathParam("id") String registerId,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @HeaderParam("Authorization") String authorization);
}
