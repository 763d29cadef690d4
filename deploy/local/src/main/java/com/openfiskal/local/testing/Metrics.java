package com.openfiskal.local.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;

/**
 * Reads a metric of the service under test from its Prometheus endpoint: the sum of the series with these
 * labels, or of every series with no labels given (0 when none exists yet). Tests compare it before and after what they do.
 */
public final class Metrics {

    private Metrics() {}

    public static double value(String name, Map<String, String> labels) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : text.split("\n")) {
            if ((line.startsWith(name + "{") || labels.isEmpty() && line.startsWith(name + " "))
                    && labels.entrySet().stream()
                            .allMatch(l -> line.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
