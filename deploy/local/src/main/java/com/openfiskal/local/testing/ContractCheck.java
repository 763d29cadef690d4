package com.openfiskal.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;

/**
 * Test support: the OpenAPI document a running service serves must be the shared-contracts document —
 * same paths, operations, parameters and schemas. Fails on any drift between the two.
 */
public final class ContractCheck {

    private ContractCheck() {}

    /**
     * @param baseUrl the running service, e.g. {@code http://localhost:8081}
     * @param contract the source document, e.g. {@code ../shared-contracts/src/main/openapi/reporting.yaml}
     * @return a description of the first difference, or null when the served document is the contract
     */
    public static String drift(String baseUrl, String servedPath, Path contract)
            throws IOException, InterruptedException {
        JsonNode source = new YAMLMapper().readTree(Files.readString(contract));
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(baseUrl + servedPath)).build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return "GET " + servedPath + " answered " + r.statusCode();
        }
        JsonNode served = new ObjectMapper().readTree(r.body());
        if (!source.path("info").path("title").equals(served.path("info").path("title"))) {
            return "info.title differs: " + served.path("info").path("title");
        }
        TreeSet<String> sourcePaths = new TreeSet<>();
        source.path("paths").fieldNames().forEachRemaining(sourcePaths::add);
        TreeSet<String> servedPaths = new TreeSet<>();
        served.path("paths").fieldNames().forEachRemaining(servedPaths::add);
        if (!sourcePaths.equals(servedPaths)) {
            return "paths differ: contract " + sourcePaths + ", served " + servedPaths;
        }
        for (String p : sourcePaths) {
            if (!source.path("paths").path(p).equals(served.path("paths").path(p))) {
                return "path " + p + " differs";
            }
        }
        JsonNode a = source.path("components").path("schemas");
        JsonNode b = served.path("components").path("schemas");
        TreeSet<String> names = new TreeSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            if (!a.path(n).equals(b.path(n))) {
                return "schema " + n + " differs";
            }
        }
        return null;
    }
}
