package com.openfiskal.fiscalization.location;

import com.openfiskal.contracts.fiscalization.api.LocationsApi;
import com.openfiskal.contracts.fiscalization.model.Location;
import com.openfiskal.contracts.fiscalization.model.LocationCreate;
import com.openfiskal.contracts.fiscalization.model.LocationList;
import com.openfiskal.contracts.fiscalization.model.LocationUpdate;
import com.openfiskal.contracts.idempotency.Idempotency;
import com.openfiskal.contracts.idempotency.IdempotentCall;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.fiscalization.common.Addresses;
import com.openfiskal.fiscalization.common.Responses;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/** HTTP for locations. The merchant header was checked by the authentication filter. */
public class LocationResource implements LocationsApi {

    private final LocationService locations;
    private final Idempotency idempotency;

    public LocationResource(LocationService locations, Idempotency idempotency) {
        this.locations = locations;
        this.idempotency = idempotency;
    }

    @Override
    public CompletionStage<Response> createLocation(String merchant, LocationCreate body, String idempotencyKey) {
        return Responses.async(idempotency.run(
                IdempotentCall.of("POST /v1/locations", idempotencyKey, body),
                () -> locations
                        .create(body)
                        .map(l -> Responses.created(toApi(l), l.resourceVersion, "/v1/locations/" + l.id))));
    }

    @Override
    public CompletionStage<Response> getLocation(String merchant, String id) {
        return Responses.async(locations.get(id).map(l -> Responses.ok(toApi(l), l.resourceVersion)));
    }

    @Override
    public CompletionStage<Response> listLocations(String merchant, Integer limit, String cursor) {
        return Responses.async(locations
                .list(limit, cursor)
                .map(page -> Response.ok(new LocationList()
                                .data(page.items().stream()
                                        .map(LocationResource::toApi)
                                        .toList())
                                .hasMore(page.hasMore())
                                .nextCursor(page.nextCursor()))
                        .build()));
    }

    @Override
    public CompletionStage<Response> updateLocation(String merchant, String id, LocationUpdate body, String ifMatch) {
        return Responses.async(locations.update(id, body, ifMatch).map(l -> Responses.ok(toApi(l), l.resourceVersion)));
    }

    @Override
    public CompletionStage<Response> deleteLocation(String merchant, String id) {
        return Responses.async(locations.delete(id).map(x -> Responses.noContent()));
    }

    static Location toApi(LocationEntity l) {
        return new Location()
                .id(l.id)
                .merchantId(l.merchantId)
                .name(l.name)
                .address(Addresses.toApi(l.address))
                .timezone(l.timezone)
                .countryCode(l.countryCode)
                .resourceVersion(l.resourceVersion)
                .createdAt(Timestamps.format(l.createdAt))
                .updatedAt(Timestamps.format(l.updatedAt));
    }
}
