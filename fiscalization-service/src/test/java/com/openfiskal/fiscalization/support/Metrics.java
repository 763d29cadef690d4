package com.openfiskal.fiscalization.support;

import static io.restassured.RestAssured.given;

import java.util.Map;

/** Reads one series of the service's Prometheus endpoint (0 when it does not exist yet). */
public final class Metrics {

    private Metrics() {}

    public static double value(String name, Map<String, String> labels) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{")
                    && labels.entrySet().stream()
                            .allMatch(l -> line.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
